"""Alignment QA reports."""
