"""Reads of the outreach records, always through `access`: `records` (pages, to-do) and `figures` (the
targets' figures, the data app's sources and the cross-check with the banks' reported counts)."""
