"""Path parameters and cross-tenant writes of the typical cases and the zone's publicity (#14 §6: the cases app)
for bench/bench_security.py. In scope = in `cases.access.cases_for` / `promotions_for` (a unit sees its own
records and the published cases; the office everything), narrowed where the page also asks a rule (the unit
corrects its own until the office keeps it; only the office reviews and selects), so that an answer for an id
outside counts as a leak."""

from django.urls import reverse

from bench.security_params_sampling import only_if
from puhui.cases import access as cases_access
from puhui.cases.models import KEPT, Case, CaseFile, CaseStatus, Promotion, PromotionFile, PromotionStatus


def _editable_cases(user):
    unit = cases_access.unit_of(user)
    qs = cases_access.cases_for(user)
    return qs.filter(unit=unit).exclude(status__in=KEPT) if unit is not None else qs.none()


def _editable_promotions(user):
    unit = cases_access.unit_of(user)
    qs = cases_access.promotions_for(user)
    return qs.filter(unit=unit).exclude(status=PromotionStatus.APPROVED) if unit is not None else qs.none()


def _case_files(user):
    return CaseFile.objects.filter(case__in=cases_access.cases_for(user).values("pk"))


def _promotion_files(user):
    return PromotionFile.objects.filter(record__in=cases_access.promotions_for(user).values("pk"))


def cases_params(IdParam, scope, ChoiceParam) -> dict:
    """URL name → {parameter: IdParam}, built with bench_security's IdParam and scope()."""
    reviewed = IdParam(Case, scope(only_if(cases_access.can_review, cases_access.cases_for), Case))
    return {
        "cases:case_detail": {"pk": IdParam(Case, scope(cases_access.cases_for, Case))},
        "cases:case_edit": {"pk": IdParam(Case, scope(_editable_cases, Case))},
        "cases:case_review": {"pk": reviewed},
        "cases:case_select": {"pk": reviewed},
        "cases:case_file": {"pk": IdParam(CaseFile, scope(_case_files, CaseFile))},
        "cases:publicity_detail": {"pk": IdParam(Promotion, scope(cases_access.promotions_for, Promotion))},
        "cases:publicity_edit": {"pk": IdParam(Promotion, scope(_editable_promotions, Promotion))},
        "cases:publicity_review": {
            "pk": IdParam(
                Promotion, scope(only_if(cases_access.can_review, cases_access.promotions_for), Promotion)
            )
        },
        "cases:publicity_file": {"pk": IdParam(PromotionFile, scope(_promotion_files, PromotionFile))},
    }


def cases_api_params(IdParam, scope) -> dict:
    return {
        "case_id": IdParam(Case, scope(cases_access.cases_for, Case)),
        "record_id": IdParam(Promotion, scope(cases_access.promotions_for, Promotion)),
    }


def cases_api_lists(IdParam, scope) -> dict:
    return {
        "/cases/cases": IdParam(Case, scope(cases_access.cases_for, Case)),
        "/cases/publicity": IdParam(Promotion, scope(cases_access.promotions_for, Promotion)),
    }


# ------------------------------------------------------------------------------------------ cross-tenant writes


def cases_writes(bank, foreign) -> list:
    """(user, label, id → URL, ids of other parties' objects, body; None = a GET): each must answer 404. The bank
    user reads another unit's unpublished case and downloads its attachment, corrects it, reviews a case (the
    office's decision), and reads, downloads and corrects another unit's publicity record."""
    unit = bank.organisation_id
    unpublished = Case.objects.exclude(unit_id=unit).exclude(status=CaseStatus.PUBLISHED)
    others = Promotion.objects.exclude(unit_id=unit)

    def url(name):
        return lambda pk: reverse(name, args=[pk])

    return [
        (bank, "cases:case_detail (another unit's, unpublished)", url("cases:case_detail"), foreign(unpublished),
         None),
        (bank, "cases:case_file (another unit's, unpublished)", url("cases:case_file"),
         foreign(CaseFile.objects.filter(case__in=unpublished.values("pk"))), None),
        (bank, "cases:case_edit", url("cases:case_edit"), foreign(Case.objects.exclude(unit_id=unit)),
         {"title": "案例", "text": "正文"}),
        (bank, "cases:case_review", url("cases:case_review"), foreign(Case.objects.all()), {"decision": "publish"}),
        (bank, "cases:publicity_detail", url("cases:publicity_detail"), foreign(others), None),
        (bank, "cases:publicity_file", url("cases:publicity_file"),
         foreign(PromotionFile.objects.filter(record__in=others.values("pk"))), None),
        (bank, "cases:publicity_edit", url("cases:publicity_edit"), foreign(others), {"title": "宣传"}),
    ]  # fmt: skip
