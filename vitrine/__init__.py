"""Vitrine, the static-site generator of the Label Actions innovantes showcase."""

__version__ = "0.1.0"
