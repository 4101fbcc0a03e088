"""Reads of the financing app: `matching` (what fits a demand, service areas, ratings), `figures`
(outcomes, time to loan, the advisers' quarterly target) and `todo` (the to-do lines)."""
