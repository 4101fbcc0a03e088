"""Writes of the insurance app: `products` (the register), `reports` (policies and claims, by form or file),
`checks` (the figures' shared checks)."""
