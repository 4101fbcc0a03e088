"""In-app notifications and their e-mail; marking them read."""

import contextlib
import contextvars

from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from puhui.core.models import User
from puhui.plan import access
from puhui.plan.models import Notification
from puhui.plan.services.common import Role


def unit_users(org_id) -> list[User]:
    return list(
        User.objects.filter(
            organisation_id=org_id, is_active=True, role__in=[Role.MEMBER_UNIT, Role.INSTITUTION, Role.OFFICE]
        )
    )


def office_users() -> list[User]:
    return list(User.objects.filter(role=Role.OFFICE, is_active=True))


_mail_off = contextvars.ContextVar("plan_mail_off", default=False)


@contextlib.contextmanager
def mail_suppressed():
    """No e-mail inside this block (the demo generator replays two years of events)."""
    token = _mail_off.set(True)
    try:
        yield
    finally:
        _mail_off.reset(token)


def notify(
    *, users, kind: str, title: str, body: str = "", url: str = "", key: str = ""
) -> list[Notification]:
    """Create in-app notifications (once per user and key) and mail those with an address.

    Mail goes through Django's backend (console by default); a failing mail server never loses the
    in-app notification.
    """
    created = []
    for user in {u.pk: u for u in users}.values():
        if key and Notification.objects.filter(user=user, key=key).exists():
            continue
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        user=user, kind=kind, title=title[:200], body=body, url=url[:300], key=key[:150]
                    )
                )
        except IntegrityError:  # a concurrent run made it first
            continue
    mailed = [n for n in created if n.user.email and not _mail_off.get()]
    messages = [
        EmailMessage(
            subject=f"【普惠金融示范区平台】{n.title}", body=f"{n.body}\n\n{n.url}".strip(), to=[n.user.email]
        )
        for n in mailed
    ]
    if messages:

        def send():
            try:
                get_connection(fail_silently=True).send_messages(messages)
            except OSError:
                return
            Notification.objects.filter(pk__in=[n.pk for n in mailed]).update(emailed=True)

        # Only mail about what was committed.
        transaction.on_commit(send)
    return created


def notification_mark_read(*, actor, notification: Notification | None = None) -> int:
    """Mark one notification, or all of the actor's, as read. Not audited: it changes nothing of the plan."""
    qs = access.notifications_for(actor).filter(read_at__isnull=True)
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=timezone.now())
