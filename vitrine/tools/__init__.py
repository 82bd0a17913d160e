"""Commands beside the build: ``check``'s warnings, ``new``'s scaffolds, the generated field tables of the docs."""
