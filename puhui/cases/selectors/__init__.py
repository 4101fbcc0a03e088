"""Reads: `records` (choices, the office's to-do counts), `report` (what the periodic evaluation report takes:
the selected cases and the publicity summary), `figures` (the indicator catalogue's sources)."""
