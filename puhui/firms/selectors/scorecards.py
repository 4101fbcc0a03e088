"""The firm scorecard's versions for the office: which card is in force, a version's points table and the
sections of its validation report (the engine's report, `engines/scoring/report.py`), rearranged for tables."""

from puhui.engines.scoring import Scorecard
from puhui.firms.models import FirmScorecard
from puhui.firms.services.ratings import expert_scorecard
from puhui.firms.services.scorecards import FEATURES


def in_force() -> dict:
    """{name, version (as people read it), statistical: the version row or None}."""
    active = FirmScorecard.objects.filter(status=FirmScorecard.Status.ACTIVE).order_by("-promoted_at").first()
    if active is not None:
        return {"name": active.name, "version": f"{active.version}版", "statistical": active}
    card = expert_scorecard()
    return {"name": card.name, "version": f"{card.spec['version']}版", "statistical": None}


def points_table(spec: dict) -> dict:
    """Every characteristic's bins (with the missing and unseen states) as the engine compiles them, the
    development sample's firms and bad firms per bin, the exclusion rules and the grade cut-offs."""
    card = Scorecard.from_dict(spec)
    by_key = {c["key"]: c for c in spec["characteristics"]}
    rows = []
    for item in card.characteristics:
        c = by_key[item.key]
        counted = [*c["bins"], c.get("missing") or {}, {}]  # the unseen state is never in the sample
        rows.append(
            {
                "label": item.label,
                "iv": c.get("iv"),
                "max": float(item.points.max()),
                "bins": [
                    {
                        "label": label,
                        "points": float(p),
                        "text": text,
                        "count": n.get("count"),
                        "bad": n.get("bad"),
                    }
                    for label, p, text, n in zip(item.labels, item.points, item.texts, counted, strict=True)
                ],
            }
        )
    exclusions = [
        {"label": e.get("label", e["code"]), "text": e.get("text", "")} for e in spec.get("exclusions") or []
    ]
    return {"characteristics": rows, "exclusions": exclusions, "grades": spec.get("grades", []),
            "min_score": card.min_score, "max_score": card.max_score}  # fmt: skip


def report_sections(report: dict) -> dict:
    """The development sample, the cross-validation, IV of every candidate and calibration by grade."""
    sample = (report.get("samples") or {}).get("train") or {}
    return {
        "sample": report.get("sample") or {},
        "train": {**sample, **((report.get("discrimination") or {}).get("train") or {})},
        "cross_validation": report.get("cross_validation") or {},
        # the columns dropped before binning (all missing) carry only their key
        "iv": [
            {**r, "label": r.get("label") or FEATURES.get(r["name"], (r["name"],))[0]}
            for r in report.get("iv") or []
        ],
        "calibration": (report.get("calibration") or {}).get("train") or [],
        "warnings": report.get("warnings") or [],
    }
