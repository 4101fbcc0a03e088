from django.db.models import QuerySet
from django.http import Http404

from puhui.core.access import get_or_404
from puhui.core.models import User
from puhui.jobs.launchers import Launcher, launcher_for
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


def access_launcher_by_name(user: User, name: str) -> Launcher:
    """A job this user may start from the job page; 404 for an unknown name or another role's job."""
    launcher = launcher_for(user, name)
    if launcher is None:
        raise Http404
    return launcher
