from django.db.models import QuerySet

from puhui.core.access import get_or_404
from puhui.core.models import User
from puhui.jobs.models import Job


def jobs_for(user: User) -> QuerySet[Job]:
    qs = Job.objects.select_related("started_by")
    if not user.is_authenticated:
        return qs.none()
    if user.role in {User.Role.ADMIN, User.Role.OFFICE}:
        return qs
    return qs.filter(started_by=user)


def access_job_by_id(user: User, pk) -> Job:
    return get_or_404(jobs_for(user), pk=pk)
