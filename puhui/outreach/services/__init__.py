"""Writes of the outreach records: `records` (enter and correct), `review` (the office's decision), `photos`
(the evidence images). Keyword-only, atomic, audited; a refusal is a Chinese `ValidationError` and stores
nothing."""
