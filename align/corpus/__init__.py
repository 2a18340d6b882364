"""Aligning whole corpora."""
