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


def _change_view(action: str, make_form, service, args, *, title: str, intro: str):
    """The page of one household change (`action`, its URL's name): GET its form; POST `service` with the
    household, the date, the note and `args(data, form)`, then the page of the household it returns (the new
    one after a split), or the form again with the service's problems under its fields."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, pk):
        household = access_household_for_change(request.user, pk)
        form = make_form(request, household)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            done = _saved(
                form,
                lambda: service(
                    actor=request.user,
                    household=household,
                    on=data["on"],
                    note=data["note"],
                    **args(data, form),
                ),
            )
            if done:
                return redirect("household_detail", pk=done.pk)
        return _change_page(request, household, form, title=title, action=action, intro=intro)

    view.__name__ = view.__qualname__ = action
    return view


household_move = _change_view(
    "household_move",
    lambda request, household: MoveForm(request.user, household, request.POST or None),
    services.household_move,
    lambda data, _form: {"village": data["village"]},
    title="迁移",
    intro="该户自变动日期起属于迁入村（社区）。",
)

household_split = _change_view(
    "household_split",
    lambda request, household: SplitForm(household, request.POST or None),
    services.household_split,
    lambda data, form: {
        "code": data["code"],
        "member_ids": data["members"],
        "head_id": data["head"],
        "relations": form.relations(),
    },
    title="分户",
    intro="选中的成员自变动日期起组成新户（与原户同村）；原户人口相应减少。",
)

household_merge = _change_view(
    "household_merge",
    lambda request, household: MergeForm(request.user, household, request.POST or None),
    services.household_merge,
    lambda data, _form: {"other": data["other_code"]},
    title="合户",
    intro="另一户的成员并入本户，该户注销。",
)

household_dissolve = _change_view(
    "household_dissolve",
    lambda request, _household: DissolveForm(request.POST or None),
    services.household_dissolve,
    lambda _data, _form: {},
    title="注销",
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
