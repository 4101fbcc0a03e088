from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from puhui.core import lists, plugins
from puhui.registry import lists as registry_lists
from puhui.registry import network_views, selectors, services
from puhui.registry.access import (
    access_firm_by_id,
    access_household_by_id,
    access_household_for_unmask,
    may_change_households,
    may_see_census,
    may_see_unmask_log,
    may_unmask,
)
from puhui.registry.forms import HouseholdLookupForm
from puhui.registry.models import Household

UNMASK_LOG_ROWS = 50


@login_required
def household_list(request, error=""):
    # The links beside the list: the clear export (household_views.household_export_clear) and the counts by date.
    links = {"may_export_clear": may_unmask(request.user), "may_see_census": may_see_census(request.user)}
    return lists.list_response(
        request, registry_lists.HOUSEHOLDS, "registry/household_list.html", links, error=error
    )


@login_required
@require_POST
def household_lookup(request):
    """The list's search form posts here, so no ID number or phone is ever sent in a URL: the list is
    reached by a redirect carrying the number's keyed hash (`?key=`); names and codes stay readable.

    An older form posts `number` alone (精确查找): it must be a complete ID number or phone.
    """
    if "number" not in request.POST:
        return lists.search_redirect(request, registry_lists.HOUSEHOLDS)
    form = HouseholdLookupForm(request.POST)
    if not form.is_valid():  # the list again, the error under its search box
        return household_list(request, error=form.errors["number"][0])
    number = QueryDict(mutable=True)
    number["q"] = request.POST["number"]
    return lists.search_redirect(request, registry_lists.HOUSEHOLDS, number)


def _detail_context(request, household: Household, revealed: dict | None = None) -> dict:
    user = request.user
    revealed = revealed or {}
    masked = selectors.MaskedHousehold(household)
    personal = [
        {
            "name": name,
            "label": label,
            "masked": getattr(masked, name),
            "clear": revealed.get(name),
            "has_value": bool(getattr(household, name)),
        }
        for name, label in selectors.PERSONAL_FIELDS.items()
    ]
    return {
        "household": masked,
        "personal": personal,
        "may_unmask": may_unmask(user),
        "viewers": selectors.household_unmask_log(user, household)[:UNMASK_LOG_ROWS]
        if may_see_unmask_log(user)
        else None,
        # Members, dated changes and the change history (household_views.py has the change pages).
        "members": selectors.household_members(household),
        "events": selectors.household_events(household),
        "versions": selectors.household_versions(household),
        "history": selectors.household_history(household),
        "may_change": may_change_households(user) and household.status == Household.Status.ACTIVE,
        # Other apps' warnings on this profile (the dishonest-debtor list), each shown only to its scope.
        "profile_flags": plugins.profile_flags(user, household=household),
    }


@login_required
def household_detail(request, pk):
    household = access_household_by_id(request.user, pk)
    return render(request, "registry/household_detail.html", _detail_context(request, household))


@never_cache
@login_required
@require_POST
def household_unmask(request, pk):
    """Show one personal field in clear (htmx fragment) and log the view. Other roles get 404."""
    household = access_household_for_unmask(request.user, pk)
    field = request.POST.get("field", "")
    if field not in selectors.PERSONAL_FIELDS:
        return HttpResponseBadRequest("字段不正确。")
    value = services.household_unmask(actor=request.user, household=household, field=field)
    if request.headers.get("HX-Request"):
        return render(request, "includes/clear_value.html", {"value": value})
    return render(
        request, "registry/household_detail.html", _detail_context(request, household, {field: value})
    )


@login_required
def firm_list(request):
    return lists.list_response(request, registry_lists.FIRMS, "registry/firm_list.html")


@login_required
def firm_detail(request, pk):
    firm = access_firm_by_id(request.user, pk)
    context = network_views.firm_context(request, firm)
    context["profile_flags"] = plugins.profile_flags(request.user, firm=firm)
    return render(request, "registry/firm_detail.html", context)
