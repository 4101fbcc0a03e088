"""Reads for the report pages: the versions of a period a user may see, the key files for key rotation, and the
few figures the detail page derives from the snapshot."""

from puhui.evaluation import access
from puhui.evaluation.models import EvaluationReport


def versions(user, report: EvaluationReport) -> list[EvaluationReport]:
    """Every version of the report's period this user sees, newest first."""
    return list(access.reports_for(user).filter(period=report.period).order_by("-version"))


def published_report(period: str) -> EvaluationReport | None:
    """The latest published version of a period's report."""
    return (
        EvaluationReport.objects.filter(period=period, published_at__isnull=False)
        .order_by("-version")
        .first()
    )


def stored_paths() -> list[str]:
    """Every sealed report file, relative to MEDIA_ROOT: key rotation re-encrypts them (plugin `KEY_ROTATION`)."""
    paths = []
    for docx, xlsx in EvaluationReport.objects.values_list("docx_path", "xlsx_path").iterator():
        paths += [docx, xlsx]
    return paths


def detail_extras(figures: dict) -> dict:
    """What the page shows beside the snapshot: the index's pillar names as the ranking's columns."""
    index = figures.get("index") or {}
    return {"pillar_names": [p["name"] for p in index.get("pillars", [])]}
