"""What the periodic evaluation report (plan 二十五: 定期评估、验收、反馈和通报) takes from this app, offered to
other apps as plug-in services (`plugin.SERVICES`: "evaluation_cases", "publicity_summary") so that the report
never imports this app. Plain values only (dicts, lists, ints, str), no model rows.

Both read every unit's records: the report is the office's. A caller that shows them to someone else checks
that person's access itself.
"""

from django.db.models import Count, Sum
from django.urls import reverse

from puhui.cases.models import KEPT, Case, Promotion, PromotionKind, PromotionStatus
from puhui.core import periods


def _spec(period: str):
    return periods.parse_code(str(period))


def selected_cases(period: str) -> list[dict]:
    """The cases selected for the evaluation report of `period` or of a period inside it (a year's report
    takes the cases selected for its quarters too), kept by the office (已采用 or 已发布); by topic, unit."""
    spec = _spec(period)
    codes = [spec.code]
    if spec.kind == periods.KIND_YEAR:
        codes += periods.quarters_of(spec.year)
    rows = (
        Case.objects.filter(selected_for__in=codes, status__in=KEPT)
        .select_related("unit", "task")
        .order_by("topic", "unit__name", "id")
    )
    return [
        {
            "id": c.pk,
            "title": c.title,
            "unit": c.unit.name,
            "unit_id": c.unit_id,
            "topic": c.topic,
            "topic_label": c.get_topic_display(),
            "task": c.task_label,
            "period": c.period,
            "period_label": c.period_label,
            "selected_for": c.selected_for,
            "selected_label": c.selected_label,
            "text": c.text,
            "published": c.status == "published",
            "url": reverse("cases:case_detail", args=[c.pk]),
        }
        for c in rows
    ]


def publicity_summary(period: str) -> dict:
    """The approved publicity records held in `period`: how many (次) and how many people reached (人) by kind
    and by unit, and the totals. A media report's audience is unknown and adds nothing to the people."""
    spec = _spec(period)
    qs = Promotion.objects.filter(
        status=PromotionStatus.APPROVED, held_on__gte=spec.start, held_on__lte=spec.end
    )
    kinds = {
        r["kind"]: r for r in qs.values("kind").annotate(n=Count("pk"), people=Sum("audience")).order_by()
    }
    by_kind = [
        {"kind": k, "label": label, "events": kinds.get(k, {}).get("n", 0),
         "audience": kinds.get(k, {}).get("people") or 0}
        for k, label in PromotionKind.choices
    ]  # fmt: skip
    units = (
        qs.values("unit_id", "unit__name")
        .annotate(n=Count("pk"), people=Sum("audience"))
        .order_by("-n", "unit__name")
    )
    by_unit = [
        {"unit_id": r["unit_id"], "unit": r["unit__name"], "events": r["n"], "audience": r["people"] or 0}
        for r in units
    ]
    return {
        "period": spec.code,
        "period_label": spec.label,
        "events": sum(k["events"] for k in by_kind),
        "audience": sum(k["audience"] for k in by_kind),
        "by_kind": by_kind,
        "by_unit": by_unit,
    }
