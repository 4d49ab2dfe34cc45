"""The vocabulary every stage shares: the document model, findings, and their Danish words."""
