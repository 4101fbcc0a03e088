"""In-app notifications: sending (with their e-mail), reading, marking read. Any app notifies through here.

The model is core's (`puhui.core.models.Notification`, table `plan_notification`); the plan's reminder job
was its first writer, and its pages (URL `plan_notifications`) still live in the plan, calling these.

    notification_send(user=…, kind=…, title=…, body=…, url=…, key=…)   one user
    notifications_send(users=…, …)                                      many users, mail in one connection
    notifications_for(user)                 the user's own notifications (nobody reads another's)
    access_notification_by_id(user, pk)     one of them, or Http404
    unread_notification_count(user)         for the navigation badge (`NavItem(badge=…)`)
    notification_mark_read(actor=…, notification=…)  one, or all of the actor's
    notifications_resolve(users=…, key=…)  read for all of them: what it asked for is done
    mail_suppressed()                       no e-mail inside the block (the demo replays two years)
"""

import contextlib
import contextvars
from collections.abc import Iterable

from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from puhui.core.access import get_or_404
from puhui.core.models import Notification, User

_mail_off = contextvars.ContextVar("notification_mail_off", default=False)


@contextlib.contextmanager
def mail_suppressed():
    """No e-mail inside this block (the demo generator replays two years of events)."""
    token = _mail_off.set(True)
    try:
        yield
    finally:
        _mail_off.reset(token)


def notifications_send(
    *, users: Iterable[User], kind: str, title: str, body: str = "", url: str = "", key: str = ""
) -> list[Notification]:
    """Create in-app notifications (once per user and key) and mail those with an address.

    Mail goes through Django's backend (console by default), after the commit; a failing mail server never
    loses the in-app notification.
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


def notification_send(
    *, user: User, kind: str, title: str, body: str = "", url: str = "", key: str = ""
) -> Notification | None:
    """One user's notification; None if that user already has one with this key."""
    created = notifications_send(users=[user], kind=kind, title=title, body=body, url=url, key=key)
    return created[0] if created else None


def notifications_for(user: User) -> QuerySet[Notification]:
    """A user's own notifications, newest first; everybody, whatever the role, sees only their own."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk)


def access_notification_by_id(user: User, pk) -> Notification:
    return get_or_404(notifications_for(user), pk=pk)


def unread_notification_count(user: User) -> int:
    """For the navigation badge."""
    return notifications_for(user).filter(read_at__isnull=True).count()


def notification_mark_read(*, actor: User, notification: Notification | None = None) -> int:
    """Mark one notification, or all of the actor's, as read. Not audited: it changes no business record."""
    qs = notifications_for(actor).filter(read_at__isnull=True)
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=timezone.now())


def notifications_resolve(*, users: Iterable[User], key: str) -> int:
    """Mark the users' unread notifications with this key as read: what it asked them to do is done (one
    of the office's staff reviewed the submission each of them was told about). Not audited, like reading."""
    if not key:
        return 0
    return Notification.objects.filter(
        user_id__in=[u.pk for u in users], key=key, read_at__isnull=True
    ).update(read_at=timezone.now())
