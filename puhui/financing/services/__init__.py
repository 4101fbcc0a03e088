"""Writes of the financing app: `products` (the shelf), `demands` (posting, routing, answers, loans) and
`advisers` (assignments, visits). Each is one transaction and one audit record; a refusal is a
`ValidationError` naming the field in Chinese, and nothing is stored."""
