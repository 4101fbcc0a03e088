"""Reads of the stations app, always through `access`: `targets` (the plan's targets from the register),
`figures` (monthly figures, the to-do lines and the data app's sources)."""
