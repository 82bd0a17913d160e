"""The files made beside the pages: the feed, the open data, the calendar, the search index, the published images,
the editions' catalogue PDFs, the files copied as they are, the web editor at ``/admin/``."""
