"""The files made beside the pages: the feed, the open data, the search index, the published images."""
