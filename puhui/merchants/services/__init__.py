"""Writes of the 惠农商圈 register: `merchants` (sign, correct, end) and `figures` (monthly non-cash figures,
one at a time or a whole uploaded file). Keyword-only, atomic, audited; a refusal is a Chinese
`ValidationError` naming the field and stores nothing."""
