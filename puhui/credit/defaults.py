"""The credit app's defaults: the shipped scorecard, the pre-credit limit rule and the designation rules.

`install_defaults` runs after every `migrate` (post_migrate, connected in `apps.py`; Django sends it again
after a test database is flushed), so pages only ever read these rows. It is idempotent: a default is
written only where no active row of its kind exists, and the office's own versions are never touched.

A read that finds a row missing (someone deleted it) uses the same default in memory, unsaved
(`default_limit_rule`, `default_designation_rule`); only a write that must point at a row — a rating
run (the card) or the yearly designation — stores it then.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

# The designation rules (信用户/村/乡镇/县), docs/credit.md "Designations".
DEFAULT_RULES = {
    "household": {"grades": ["AAA", "AA", "A"]},
    "village": {
        "conditions": [
            {"key": "credit_household_share", "label": "信用户占农户比例", "op": "ge", "threshold": 0.70},
            {"key": "no_arrears_share", "label": "无拖欠借款户占借款户比例", "op": "ge", "threshold": 0.85},
            {"key": "npl_stock", "label": "不良贷款户占比（存量）", "op": "lt", "threshold": 0.05},
            {"key": "npl_new", "label": "当年新增不良贷款户占比", "op": "lt", "threshold": 0.01},
        ]
    },
    "town": {
        "conditions": [
            {"key": "credit_village_share", "label": "信用村占行政村比例", "op": "ge", "threshold": 0.50},
            {"key": "no_arrears_share", "label": "无拖欠借款户占借款户比例", "op": "ge", "threshold": 0.90},
        ]
    },
    "county": {
        "conditions": [
            {"key": "credit_town_share", "label": "信用乡镇占乡镇比例", "op": "ge", "threshold": 0.50},
            {"key": "no_arrears_share", "label": "无拖欠借款户占借款户比例", "op": "ge", "threshold": 0.90},
        ]
    },
}
DEFAULT_VERSION = "默认"


def default_limit_rule(model=None):
    """The shipped limit rule as an unsaved row."""
    from puhui.credit.scoring import DEFAULT_LIMIT_RULE  # pandas: loaded when needed, not at start-up

    model = model or global_apps.get_model("credit", "LimitRule")
    return model(version=DEFAULT_VERSION, spec=DEFAULT_LIMIT_RULE)


def default_designation_rule(level: str, model=None):
    """The shipped rule of `level` as an unsaved row."""
    model = model or global_apps.get_model("credit", "DesignationRule")
    return model(level=level, version=DEFAULT_VERSION, spec=DEFAULT_RULES[level])


def install_scorecard(model=None, using: str = DEFAULT_DB_ALIAS):
    """The active card; when there is none, the shipped default is stored (or found) and promoted."""
    from puhui.engines.scoring import Scorecard, default_config_path

    model = model or global_apps.get_model("credit", "ScorecardVersion")
    rows = model.objects.using(using)
    active = rows.filter(status="active").order_by("-promoted_at").first()
    if active is not None:
        return active
    card = Scorecard.from_file(default_config_path())
    spec = card.to_dict()
    obj, _ = rows.get_or_create(
        card_id=spec["id"],
        version=str(spec["version"]),
        defaults={
            "name": spec.get("name", spec["id"]),
            "kind": spec.get("kind", "expert"),
            "spec": spec,
            "fingerprint": card.fingerprint,
            "status": "active",
            "promoted_at": timezone.now(),
        },
    )
    if obj.status != "active":
        obj.status = "active"
        obj.promoted_at = timezone.now()
        obj.save(using=using)
    return obj


def install_defaults(apps=global_apps, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: the shipped card, limit rule and designation rules where none is active."""
    try:
        scorecard = apps.get_model("credit", "ScorecardVersion")
        limit_rule = apps.get_model("credit", "LimitRule")
        designation_rule = apps.get_model("credit", "DesignationRule")
    except LookupError:  # credit migrated back to zero
        return
    install_scorecard(scorecard, using)
    if not limit_rule.objects.using(using).filter(is_active=True).exists():
        default_limit_rule(limit_rule).save(using=using)
    active = set(designation_rule.objects.using(using).filter(is_active=True).values_list("level", flat=True))
    for level in DEFAULT_RULES:
        if level not in active:
            default_designation_rule(level, designation_rule).save(using=using)
