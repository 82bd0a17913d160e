"""Commands beside the build: ``check``'s warnings, ``new``'s scaffolds, ``clean-media``, the generated field tables
of the docs, ``vendor-editor``."""
