"""Writing Word: the annotated copy with comments on the exact words, and the ZIP copy."""
