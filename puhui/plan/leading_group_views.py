"""领导小组: the group as it stood on a date (today by default), every term in its history, and one term's
page with its change log. Kept by import (`leading_group`, puhui/plan/leading_group_import.py)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from puhui.core.converters import parse_date_or_none
from puhui.core.selectors import record_history
from puhui.plan.access import (
    access_leading_group_member_by_id,
    leading_group_for,
    may_edit_leading_group,
    may_see_leading_group,
)
from puhui.plan.models import LeadingGroupMember

Post = LeadingGroupMember.Post
POST_RANK = {post: rank for rank, post in enumerate(Post)}
HISTORY_SHOWN = 500


def _by_post(terms) -> list[tuple[str, list[LeadingGroupMember]]]:
    """The terms grouped under their post, in the annex's order (组长, 副组长, 成员, 办公室…)."""
    groups: dict[str, list] = {}
    for term in sorted(terms, key=lambda t: (POST_RANK[t.post], t.order, t.unit.code, t.from_date)):
        groups.setdefault(term.post, []).append(term)
    return [(Post(post).label, members) for post, members in groups.items()]


@login_required
def leading_group(request):
    if not may_see_leading_group(request.user):
        raise Http404
    today = timezone.localdate()
    on = parse_date_or_none(request.GET.get("on")) or today
    terms = leading_group_for(request.user)
    standing = terms.filter(from_date__lte=on).filter(Q(to_date__isnull=True) | Q(to_date__gte=on))
    history = list(terms.order_by("-from_date", "post", "order", "pk")[:HISTORY_SHOWN])
    return render(
        request,
        "plan/leading_group.html",
        {
            "on": on,
            "today": today,
            "groups": _by_post(standing),
            "history": history,
            "history_total": terms.count(),
            "history_shown": HISTORY_SHOWN,
            "may_edit": may_edit_leading_group(request.user),
        },
    )


@login_required
def leading_group_member(request, pk):
    term = access_leading_group_member_by_id(request.user, pk)
    return render(
        request,
        "plan/leading_group_member.html",
        {"term": term, "history": record_history(term), "may_edit": may_edit_leading_group(request.user)},
    )
