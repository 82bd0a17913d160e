"""The pages: the URL map (every page, its template and context), rendering through Jinja, Markdown, the map, sharing."""
