"""Danish language: letter parts, segmentation and lemmas, LIX, and the analysis of a letter."""
