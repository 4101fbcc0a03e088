"""Reads of the 惠农商圈 register, always through `access` for a user: `coverage` (the rule of an active
merchant and a covered village, the coverage tables and the catalogue's figures), `records` (the pages'
reads) and `finder` (the public finder's layer, public data only)."""

from puhui.merchants.selectors.finder import finder_places

__all__ = ["finder_places"]
