"""Two lock-outs for wrong passwords (django-axes plus one rule of ours).

1. **Account + address** (axes, `AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]`): 5 failures for one
   user name from one client address lock that pair for 30 minutes. Other addresses can still log in to the
   account, and the address can still log in to other accounts. The address is the real client's, also
   behind the reverse proxy (`puhui.core.net.client_ip`).
2. **Account back-off** (here): 10 failures for one user name within 15 minutes, from any addresses
   together, refuse that account for the rest of those 15 minutes. This slows a password guesser that
   rotates addresses to 10 guesses per account per quarter hour, and costs the real user at most a
   15-minute wait.

Refused attempts are not counted (`AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False`), so a lock-out
ends on time even while someone keeps trying. Failures are read from axes' AccessFailureLog
(`AXES_ENABLE_ACCESS_FAILURE_LOG`). The administrator's 解除锁定 lifts both.
"""

import datetime

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.utils import timezone


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.PUHUI_ACCOUNT_BACKOFF_MINUTES)


def account_failures(username: str) -> int:
    """Failed logins for this user name in the back-off window, from every address."""
    since = timezone.now() - _window()
    return AccessFailureLog.objects.filter(username=username, attempt_time__gte=since).count()


def account_backed_off(username: str) -> bool:
    return bool(username) and account_failures(username) >= settings.PUHUI_ACCOUNT_BACKOFF_FAILURES


class AccountBackoffError(PermissionDenied):
    pass


class PuhuiAxesBackend(AxesStandaloneBackend):
    """Axes' account+address lock-out, then the account back-off. Authenticates nobody itself."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        super().authenticate(request, username=username, password=password, **kwargs)
        if settings.AXES_ENABLED and account_backed_off(username or ""):
            # Axes then neither counts this attempt nor lets it through, and answers with the lock-out page.
            request.axes_locked_out = True
            raise AccountBackoffError("该账户登录失败次数过多，暂时不能登录")
        return None


def locked_usernames(usernames) -> set[str]:
    """Those of these user names that cannot log in now, by either lock-out (for the user list)."""
    usernames = list(usernames)
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.filter(username__in=usernames)
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    locked = set(
        attempts.values("username", "ip_address")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("username", flat=True)
    )
    since = timezone.now() - _window()
    locked |= set(
        AccessFailureLog.objects.filter(username__in=usernames, attempt_time__gte=since)
        .values("username")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.PUHUI_ACCOUNT_BACKOFF_FAILURES)
        .values_list("username", flat=True)
    )
    return locked
