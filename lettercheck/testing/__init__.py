"""Helpers for tests and the corpus build only: small DOCX writer and rule-example markup."""
