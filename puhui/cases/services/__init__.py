"""Writes of typical cases and the zone's publicity: `cases` (send, correct, the office's decisions),
`promotions` (enter, correct, review), `attachments` (the files). Keyword-only, atomic, audited; a refusal is
a Chinese `ValidationError` naming the field and stores nothing."""
