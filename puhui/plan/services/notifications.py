"""Whom the plan notifies. Sending, reading and marking read are core's (`puhui.core.notifications`)."""

from puhui.core.models import User
from puhui.plan.services.common import Role


def unit_users(org_id) -> list[User]:
    return list(
        User.objects.filter(
            organisation_id=org_id, is_active=True, role__in=[Role.MEMBER_UNIT, Role.INSTITUTION, Role.OFFICE]
        )
    )


def office_users() -> list[User]:
    return list(User.objects.filter(role=Role.OFFICE, is_active=True))
