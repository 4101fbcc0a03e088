"""Reads of the insurance records, always through `access` (the public page reads products on sale, which are
public): `coverage` (the figures, the targets, the data app's sources) and `products` (the public list)."""
