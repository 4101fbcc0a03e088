"""Pages of the guarantee networks. Thin: access first (404 for what the user may not see), then selectors.
The period is `?period=<code>`, the latest run by default."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from puhui.core import lists
from puhui.risk import access
from puhui.risk import lists as specs
from puhui.risk.selectors import networks as selectors


def _run(request):
    access.require_networks(request.user)
    return selectors.run_for(request.user, request.GET.get("period"))


@login_required
def networks(request):
    run = _run(request)
    ctx = {"run": run, "runs": selectors.run_choices(request.user), "sees_all": access.sees_all(request.user)}
    if run is not None:
        ctx["figures"] = selectors.overview(request.user, run)
        ctx["vulnerable"] = selectors.top_vulnerable(request.user, run)
        ctx["largest"] = list(access.groups_for(request.user, run).order_by("number")[:10])
    return render(request, "risk/networks.html", ctx)


@login_required
def groups(request):
    run = _run(request)
    queryset = access.groups_for(request.user, run).select_related("run__period") if run else None
    return lists.list_response(
        request, specs.NETWORK_GROUPS, "risk/network_groups.html", {"run": run}, queryset=queryset
    )


@login_required
def group_detail(request, number):
    run = _run(request)
    group = access.group_by_number(request.user, run, number)
    ctx = {"run": run, "group": group, "sees_all": access.sees_all(request.user)}
    ctx.update(selectors.group_page(request.user, group))
    return render(request, "risk/group.html", ctx)


@login_required
def group_graph(request, number):
    run = _run(request)
    group = access.group_by_number(request.user, run, number)
    return JsonResponse(selectors.group_graph(request.user, group), json_dumps_params={"ensure_ascii": False})


@login_required
def firms(request):
    access.require_all(request.user)
    run = _run(request)
    queryset = access.nodes_for(request.user, run).select_related("group", "run__period") if run else None
    return lists.list_response(
        request, specs.NETWORK_FIRMS, "risk/network_firms.html", {"run": run}, queryset=queryset
    )
