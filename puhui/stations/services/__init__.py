"""Writes of the stations app: `offers` (what each bank offers, and the register's hook), `monthly` (the
banks' monthly figures, by form and by file), `records` (inspections, agents, payment scenes), `photos`.
Keyword-only, atomic, audited; a refusal is a Chinese `ValidationError` naming the field, and stores nothing."""
