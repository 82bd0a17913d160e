"""``serve``: the editors' live preview, rebuilt on every save, and the web editor's back end."""
