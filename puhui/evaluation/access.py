"""Who sees and writes evaluation reports. The only road to their rows: pages, the API and the downloads load
here; missing and forbidden look the same (404).

- The office (领导小组办公室) generates a period's report (every version is kept) and publishes it.
- Administrators see every version, drafts included, and write nothing.
- Member units and financial institutions read published reports: the report is the office's 通报 to them.
- Towns, agents and the public: nothing here.
"""

from django.db.models import QuerySet
from django.http import Http404

from puhui.core.access import get_or_404
from puhui.core.models import User
from puhui.core.plugins import STAFF
from puhui.evaluation.models import EvaluationReport

Role = User.Role


def may_see_reports(user) -> bool:
    return user.is_authenticated and user.role in STAFF


def sees_drafts(user) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def may_generate(user) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


def require_generate(user) -> None:
    if not may_generate(user):
        raise Http404


def reports_for(user) -> QuerySet[EvaluationReport]:
    qs = EvaluationReport.objects.select_related("generated_by", "published_by")
    if sees_drafts(user):
        return qs
    if may_see_reports(user):
        return qs.filter(published_at__isnull=False)
    return qs.none()


def access_report_by_id(user, pk) -> EvaluationReport:
    return get_or_404(reports_for(user), pk=pk)


def may_publish(user, report: EvaluationReport) -> bool:
    return may_generate(user) and not report.is_published
