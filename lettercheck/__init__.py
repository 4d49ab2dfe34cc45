"""lettercheck: checks Danish letters to citizens for readability, structure and plain language."""

__version__ = "0.1.0"
