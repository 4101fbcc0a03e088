"""Day-numbered records (投诉 TS20210305001, 调解 TJ20210305001): the day's next number, taken safely when two are
filed at the same moment."""

from django.db import IntegrityError, transaction

ATTEMPTS = 50


def last_number(model, prefix: str) -> str | None:
    return (
        model.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )


def create_numbered(model, prefix: str, **fields):
    """Create `model(number=<prefix><NNN>, **fields)` with the day's next number. Two filings at once may read
    the same last number: the unique constraint refuses the second, which retries with the next one inside a
    savepoint (PostgreSQL sees the winner's row once it commits), so neither answers with an error."""
    for _ in range(ATTEMPTS):
        last = last_number(model, prefix)
        number = f"{prefix}{int(last[len(prefix) :]) + 1 if last else 1:03d}"
        try:
            with transaction.atomic():
                return model.objects.create(number=number, **fields)
        except IntegrityError:
            if not model.objects.filter(number=number).exists():
                raise  # another constraint: not a race for the number
    raise IntegrityError(f"{prefix}: no free number after {ATTEMPTS} attempts")
