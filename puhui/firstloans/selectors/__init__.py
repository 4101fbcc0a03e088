"""Reads of the first-loan app: pages and figures (`figures`)."""
