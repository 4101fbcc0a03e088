"""A household's changes (split, merge, move, dissolve), the roster's counts on any date, and the household
list's export with clear personal data. The list and the detail page are in views.py."""

import dataclasses

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from puhui.core import lists
from puhui.core.audit import audit_record
from puhui.core.converters import parse_date_or_none
from puhui.core.models import AuditLog
from puhui.registry import lists as registry_lists
from puhui.registry import selectors, services
from puhui.registry.access import access_household_for_change, may_see_census, may_unmask
from puhui.registry.household_forms import DissolveForm, MergeForm, MoveForm, SplitForm
from puhui.registry.models import Household


def _change_page(request, household, form, *, title: str, action: str, intro: str):
    return render(
        request,
        "registry/household_change.html",
        {
            "household": selectors.MaskedHousehold(household),
            "members": selectors.household_members(household),
            "form": form,
            "title": title,
            "action": action,
            "intro": intro,
        },
    )


def _saved(form, call) -> Household | None:
    """Run the service; its ValidationError goes back onto the form."""
    try:
        return call()
    except ValidationError as e:
        if hasattr(e, "error_dict"):
            for field, errors in e.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, e.messages)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def household_move(request, pk):
    household = access_household_for_change(request.user, pk)
    form = MoveForm(request.user, household, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _saved(
            form,
            lambda: services.household_move(
                actor=request.user,
                household=household,
                village=data["village"],
                on=data["on"],
                note=data["note"],
            ),
        )
        if done:
            return redirect("household_detail", pk=household.pk)
    return _change_page(
        request,
        household,
        form,
        title="迁移",
        action="household_move",
        intro="该户自变动日期起属于迁入村（社区）。",
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_split(request, pk):
    household = access_household_for_change(request.user, pk)
    form = SplitForm(household, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = _saved(
            form,
            lambda: services.household_split(
                actor=request.user,
                household=household,
                code=data["code"],
                member_ids=data["members"],
                head_id=data["head"],
                relations=form.relations(),
                on=data["on"],
                note=data["note"],
            ),
        )
        if new:
            return redirect("household_detail", pk=new.pk)
    return _change_page(
        request,
        household,
        form,
        title="分户",
        action="household_split",
        intro="选中的成员自变动日期起组成新户（与原户同村）；原户人口相应减少。",
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_merge(request, pk):
    household = access_household_for_change(request.user, pk)
    form = MergeForm(request.user, household, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _saved(
            form,
            lambda: services.household_merge(
                actor=request.user,
                household=household,
                other=data["other_code"],
                on=data["on"],
                note=data["note"],
            ),
        )
        if done:
            return redirect("household_detail", pk=household.pk)
    return _change_page(
        request,
        household,
        form,
        title="合户",
        action="household_merge",
        intro="另一户的成员并入本户，该户注销。",
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_dissolve(request, pk):
    household = access_household_for_change(request.user, pk)
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _saved(
            form,
            lambda: services.household_dissolve(
                actor=request.user, household=household, on=data["on"], note=data["note"]
            ),
        )
        if done:
            return redirect("household_detail", pk=household.pk)
    return _change_page(
        request,
        household,
        form,
        title="注销",
        action="household_dissolve",
        intro="该户自变动日期起不再计入名录（如全户迁出本县或户内人员均已去世）；其成员从名录中移出。",
    )


@login_required
def household_census(request):
    """Households, farm households and population per village on any date (the register as it stood)."""
    if not may_see_census(request.user):
        raise Http404
    on = parse_date_or_none(request.GET.get("on", "")) or timezone.localdate()
    rows = selectors.census_as_of(request.user, on)
    totals = {key: sum(r[key] for r in rows) for key in ("households", "farm", "population")}
    return render(request, "registry/household_census.html", {"rows": rows, "on": on, "totals": totals})


@login_required
def household_export_clear(request):
    """The household list's Excel file with clear ID numbers and phones: only for the roles that may see
    them in clear (the same rule as 显示明文), of exactly the rows the list's filters select; every export
    is logged with its filters and row count."""
    if not may_unmask(request.user):
        raise Http404
    spec = registry_lists.HOUSEHOLDS
    clear = dataclasses.replace(
        spec,
        title=f"{spec.title}（含明文）",
        columns=tuple(dataclasses.replace(c, personal=None) for c in spec.columns),
        prepare=None,
    )
    state = lists.read_state(clear, request.GET, request.user)
    count = lists.filtered(clear, request.user, state).count()
    audit_record(
        actor=request.user,
        action=AuditLog.Action.UNMASK,
        object_type=Household._meta.label,
        object_repr=f"导出农户名录（含明文），共 {count:,} 户",
        after={"rows": count, "filters": {k: str(v) for k, v in state.values.items() if v is not None}},
        note="导出明文：户主身份证号、联系电话",
    )
    return lists.export_response(request, clear)
