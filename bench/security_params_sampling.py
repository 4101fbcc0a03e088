"""How bench/bench_security.py fills a path parameter: `IdParam` (a primary key; in scope = in an access queryset)
and `ChoiceParam` (a string; in scope = an `allowed` rule), with `scope()` wrapping an app's `*_for(user)`. Ids in
scope are drawn from the user's queryset, ids out of scope from keys spread over the whole table that the
queryset does not hold. One seeded generator, so that a run draws the same ids on the same database."""

import random

from django.db.models import QuerySet
from django.http import Http404

RNG = random.Random(2020)
N = 2  # objects in and out of scope per parameter: bench_security sets it from --per-param


def safe_qs(fn, user, model) -> QuerySet:
    """A `*_for(user)` queryset; a gate that raises (404 for the role) or fails on AnonymousUser = nothing."""
    try:
        qs = fn(user)
    except (Http404, AttributeError, TypeError):
        return model.objects.none()
    return qs


def pks_of(qs: QuerySet, k: int, pool: int = 400) -> list:
    """Up to k primary keys of qs, drawn from its first `pool` rows (bounded, deterministic)."""
    ids = list(qs.order_by().values_list("pk", flat=True)[:pool])
    return RNG.sample(ids, min(k, len(ids)))


_SPREAD: dict[str, list] = {}


def spread(model, base: QuerySet | None = None, k: int = 40) -> list:
    """About k primary keys spread over the whole table (random pk thresholds): candidates for out of scope."""
    key = f"{model.__name__}:{base.query if base is not None else ''}"
    if key not in _SPREAD:
        qs = (base if base is not None else model.objects.all()).order_by("pk")
        first, last = (
            qs.values_list("pk", flat=True).first(),
            qs.reverse().values_list("pk", flat=True).first(),
        )
        picked = set()
        if first is not None:
            for _ in range(k):
                pk = qs.filter(pk__gte=RNG.randint(first, last)).values_list("pk", flat=True).first()
                if pk is not None:
                    picked.add(pk)
        _SPREAD[key] = sorted(picked)
    return _SPREAD[key]


class IdParam:
    """A primary key of `model`; in scope = in `scope(user)`."""

    def __init__(self, model, scope, base: QuerySet | None = None):
        self.model, self.scope, self.base = model, scope, base

    def in_scope_qs(self, user) -> QuerySet:
        qs = self.scope(user)
        return qs if self.base is None else qs.filter(pk__in=self.base.values("pk"))

    def sample(self, user) -> tuple[list, list]:
        scoped = self.in_scope_qs(user)
        inside = pks_of(scoped, N)
        candidates = spread(self.model, self.base)
        allowed = set(self.scope(user).filter(pk__in=candidates).values_list("pk", flat=True))
        outside = [pk for pk in candidates if pk not in allowed]
        return [str(x) for x in inside], [str(x) for x in RNG.sample(outside, min(N, len(outside)))]


class ChoiceParam:
    """A string among `values(user)`; in scope = `allowed(user, value)` (None: not judged)."""

    def __init__(self, values, allowed=None):
        self.values, self.allowed = values, allowed

    def sample(self, user) -> tuple[list, list]:
        values = list(self.values())
        if self.allowed is None:
            return values[: 2 * N], []
        inside = [v for v in values if self.allowed(user, v)]
        outside = [v for v in values if not self.allowed(user, v)]
        return RNG.sample(inside, min(N, len(inside))), RNG.sample(outside, min(N, len(outside)))


def scope(fn, model):
    return lambda user: safe_qs(fn, user, model)


def only_if(may, fn):
    """`fn(user)` for a user the `may` rule lets act, else nothing: the page answers 404 to the others."""
    return lambda user: fn(user) if may(user) else fn(user).none()
