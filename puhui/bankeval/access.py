"""Who sees and keeps the banks' evaluation. The only road to its rows: pages, the API, the Word 通报 and the
`bank_evaluation_results` service load here. Missing and forbidden look the same (Http404).

- The office (县人民银行, which runs the leading group's office) enters the qualitative scores with their
  evidence, runs the evaluation, publishes it and sees every bank's detail; administrators read everything and
  write nothing.
- A bank (role 金融机构; its county branch, whichever of its offices the user works at) sees the published runs
  only, and in them its own result — values, points, total, grade and rank — beside the county's averages; never
  another bank's detail, nor the qualitative scores' evidence.
- Member units, towns, agents and the public: nothing here.
"""

from django.db.models import QuerySet

from puhui.core.access import county_bank_of, get_or_404
from puhui.core.models import Organisation, User
from puhui.registry.access import BANK_KINDS

from .models import Evidence, IndicatorSet, QualitativeScore, Result, Run

Role = User.Role


def sees_all(user) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def may_manage(user) -> bool:
    """Enter qualitative scores, run and publish: the office only."""
    return user.is_authenticated and user.role == Role.OFFICE


bank_of = county_bank_of


def may_see(user) -> bool:
    return sees_all(user) or bank_of(user) is not None


def county_banks() -> QuerySet[Organisation]:
    """The banks evaluated: every open county branch of a bank."""
    return Organisation.objects.filter(
        kind__in=BANK_KINDS, level=Organisation.Level.BRANCH, closed_on__isnull=True
    ).order_by("name", "pk")


def sets_for(user) -> QuerySet[IndicatorSet]:
    return IndicatorSet.objects.all() if may_see(user) else IndicatorSet.objects.none()


def runs_for(user) -> QuerySet[Run]:
    qs = Run.objects.select_related("period", "indicator_set")
    if sees_all(user):
        return qs
    if bank_of(user) is not None:
        return qs.filter(published_at__isnull=False)
    return qs.none()


def access_run_by_id(user, pk) -> Run:
    return get_or_404(runs_for(user), pk=pk)


def results_for(user) -> QuerySet[Result]:
    """Every result for the office and administrators; a bank its own, in published runs."""
    qs = Result.objects.select_related("run__period", "run__indicator_set", "bank")
    if sees_all(user):
        return qs
    bank = bank_of(user)
    if bank is not None:
        return qs.filter(bank=bank, run__published_at__isnull=False)
    return qs.none()


def access_result_by_id(user, pk) -> Result:
    return get_or_404(results_for(user), pk=pk)


def qualitative_for(user) -> QuerySet[QualitativeScore]:
    qs = QualitativeScore.objects.select_related("bank", "indicator_set")
    return qs if sees_all(user) else qs.none()


def evidence_for(user) -> QuerySet[Evidence]:
    return Evidence.objects.select_related("score") if sees_all(user) else Evidence.objects.none()


def access_evidence_by_id(user, pk) -> Evidence:
    return get_or_404(evidence_for(user), pk=pk)


def access_bank_for_scoring(user, pk) -> Organisation:
    """A bank the office may score (404 for anyone else and for any other organisation)."""
    if not may_manage(user):
        return get_or_404(Organisation.objects.none(), pk=pk)
    return get_or_404(county_banks(), pk=pk)
