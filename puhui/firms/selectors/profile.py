"""The firm's credit profile (信用画像): the register, each source's latest data with its period, the banks'
loans as aggregates (never another bank's loan lines), the current rating, and — for the firm and the office
— its authorisations and who looked."""

from django.utils import timezone

from puhui.core.plugins import profile_sections
from puhui.firms import access, catalogue
from puhui.firms.models import DepartmentRecord, FirmRating
from puhui.firms.selectors.loans import loan_summary

LOOKUPS_SHOWN = 50


def latest_records(firm) -> list[dict]:
    """Per catalogue source, the firm's most recent row (and its period), in catalogue order."""
    latest: dict[str, DepartmentRecord] = {}
    for record in DepartmentRecord.objects.filter(firm=firm).order_by("source", "-period"):
        latest.setdefault(record.source, record)
    out = []
    for source in catalogue.sources().values():
        record = latest.get(source.code)
        out.append(
            {
                "source": source,
                "period": record.period if record else None,
                "values": source.values_shown(record.values) if record else [],
            }
        )
    return out


def current_rating(firm) -> FirmRating | None:
    return FirmRating.objects.filter(firm=firm, is_current=True).order_by("-rated_on", "-pk").first()


def firm_profile(user, firm) -> dict:
    own_or_office = access.firm_of(user) == firm or access.sees_all(user)
    today = timezone.localdate()
    ctx = {
        "firm": firm,
        "years": (today - firm.registered_on).days // 365,
        "departments": latest_records(firm),
        "loans": loan_summary(firm.uscc),
        "rating": current_rating(firm),
        "today": today,
        "shows_consent": own_or_office and user.role != "member_unit",
        "sections": profile_sections(user, firm=firm),
    }
    if ctx["shows_consent"]:
        ctx["authorisations"] = list(
            access.authorisations_for(user).filter(firm=firm).order_by("-granted_at")
        )
        ctx["lookups"] = list(access.lookups_for(user).filter(firm=firm).order_by("-at")[:LOOKUPS_SHOWN])
    return ctx


def profile_flags(user, *, firm=None, household=None) -> list[dict]:
    """On the registry's firm page: the grade and a link to the profile, for those who may read it."""
    from django.urls import reverse

    if firm is None or not access.firms_for(user).filter(pk=firm.pk).exists():
        return []
    rating = current_rating(firm)
    text = f"信用等级 {rating.grade}" if rating else "信用画像"
    detail = (
        f"评分卡{rating.version_label}，{rating.rated_on:%Y-%m-%d} 评定，{rating.score} 分"
        if rating
        else "尚未评级"
    )
    return [{"text": text, "detail": detail, "url": reverse("firms:profile", args=[firm.pk])}]
