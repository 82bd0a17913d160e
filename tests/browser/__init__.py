"""The browser layer: the built sites, served from a sub-folder, driven in headless Chromium."""
