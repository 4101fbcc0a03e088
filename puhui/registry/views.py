from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from puhui.registry import selectors, services
from puhui.registry.access import (
    access_firm_by_id,
    access_household_by_id,
    access_household_for_unmask,
    may_see_unmask_log,
    may_unmask,
)
from puhui.registry.forms import FirmFilterForm, HouseholdFilterForm, HouseholdLookupForm
from puhui.registry.models import Household

UNMASK_LOG_ROWS = 50


def _list_url(params) -> str:
    """The household list filtered by these search fields, with an ID number or phone typed into the
    search box replaced by its keyed hash: the clear number never goes into a URL (nor the server log)."""
    query = {
        k: params.get(k, "").strip() for k in HouseholdFilterForm.URL_FIELDS if params.get(k, "").strip()
    }
    if key := selectors.personal_lookup_key(query.get("q", "")):
        del query["q"]
        query["key"] = key
    return f"{reverse('household_list')}?{urlencode(query)}" if query else reverse("household_list")


@login_required
def household_list(request, lookup_form=None):
    if request.method == "GET" and selectors.personal_lookup_key(request.GET.get("q", "")):
        # A number in the address (a hand-made link, an old bookmark): answered by a redirect to its hash,
        # never echoed back in the page, its links or the next request line.
        return redirect(_list_url(request.GET))
    form = HouseholdFilterForm(request.user, request.GET)
    filters = form.filters()
    households = selectors.household_search(request.user, **filters)
    page = selectors.masked_page(selectors.paginate(households, request.GET.get("page")))
    return render(
        request,
        "registry/household_list.html",
        {
            "form": form,
            "filters": filters,
            "towns": form.fields["town"].queryset,
            "villages": form.village_options(filters["town"]),
            "activities": selectors.main_activities(),
            "lookup_form": lookup_form or HouseholdLookupForm(),
            "page": page,
        },
    )


@login_required
@require_POST
def household_lookup(request):
    """The list's two search forms post here, so no ID number or phone is ever sent in a URL.

    精确查找 (`number`): an ID number or phone, or the form again with its error. The filter form (town,
    village, farm, activity, `q`): redirect to the list with those filters, a number in `q` replaced by
    its keyed hash (`?key=`); names and household codes stay readable in the URL.
    """
    if "number" not in request.POST:
        return redirect(_list_url(request.POST))
    form = HouseholdLookupForm(request.POST)
    if not form.is_valid():
        return household_list(request, lookup_form=form)
    return redirect(f"{reverse('household_list')}?key={form.cleaned_data['number']}")


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
        return render(request, "registry/_clear_value.html", {"value": value})
    return render(
        request, "registry/household_detail.html", _detail_context(request, household, {field: value})
    )


@login_required
def firm_list(request):
    form = FirmFilterForm(request.user, request.GET)
    filters = form.filters()
    page = selectors.paginate(selectors.firm_search(request.user, **filters), request.GET.get("page"))
    return render(
        request,
        "registry/firm_list.html",
        {
            "filters": filters,
            "towns": form.fields["town"].queryset,
            "kinds": form.fields["kind"].choices[1:],
            "industries": selectors.firm_industries(),
            "page": page,
        },
    )


@login_required
def firm_detail(request, pk):
    return render(request, "registry/firm_detail.html", {"firm": access_firm_by_id(request.user, pk)})
