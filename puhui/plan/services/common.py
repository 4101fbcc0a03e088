"""What every write of the plan shares: the office check, the reporting check, the clock."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from puhui.api.access import acting_user
from puhui.core.models import Organisation, User
from puhui.plan import access
from puhui.plan.models import Task

Role = User.Role


def require_office(actor):
    """Only the 领导小组办公室 (or the system, actor None) may do this."""
    if actor is not None and not access.is_office(actor):
        raise PermissionDenied("只有领导小组办公室可以执行此操作。")


def at_or_now(at=None) -> datetime.datetime:
    """The given moment (tests and the demo replay the past), else now."""
    return at or timezone.now()


def require_reporting_unit(actor, task: Task, unit: Organisation):
    """The actor reports (or asks for a delay) for its own unit, on a task that unit is responsible for."""
    if actor is None:
        return
    # An API token (TokenActor) is checked with its organisation's virtual user.
    user = acting_user(actor)
    if (
        access.acting_unit(user) is None
        or user.organisation_id != unit.pk
        or not access.may_report_on(user, task)
    ):
        raise PermissionDenied("只能为本单位负责的任务报送进度。")
