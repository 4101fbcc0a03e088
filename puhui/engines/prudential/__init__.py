"""Prudential limits of local financial organisations: rules as data, checked against their figures.

Pure Python (no Django): `rules.load_rules` reads a YAML rule set, `engine.check` compares each organisation's
figures with the limits that apply to its kind, `files` reads a figures CSV and writes findings, and
`cli` is `puhui prudential check`. Expressions are the policy engine's (`puhui.engines.policy.expr`).
"""
