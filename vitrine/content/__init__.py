"""What the site is made of: content files read safely, YAML with lines, the contract, validation, the frozen model."""
