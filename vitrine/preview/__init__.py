"""``serve``: the editors' live preview, rebuilt on every save."""
