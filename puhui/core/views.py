import secrets

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from puhui.core import selectors, services
from puhui.core.access import (
    access_organisation_by_id,
    audit_logs_for,
    divisions_for,
    get_or_404,
    organisations_for,
    service_points_for,
)
from puhui.core.forms import UserForm
from puhui.core.models import AuditLog, Division, Organisation, User

PAGE_SIZE = 50


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def dashboard(request):
    return render(
        request,
        "core/dashboard.html",
        {
            "county": Division.objects.filter(level=Division.Level.COUNTY).first(),
            "cards": selectors.dashboard_cards(request.user),
            "series": selectors.town_series(request.user),
        },
    )


@login_required
def county_map(request):
    return JsonResponse(selectors.county_geojson(request.user))


@login_required
def division_list(request):
    towns = divisions_for(request.user).filter(level=Division.Level.TOWN)
    town = request.GET.get("town", "")
    villages = divisions_for(request.user).filter(level=Division.Level.VILLAGE).select_related("parent")
    if town:
        villages = villages.filter(parent__code=town)
    if q := request.GET.get("q", "").strip():
        villages = villages.filter(Q(name__contains=q) | Q(code__startswith=q))
    towns = towns.annotate(n_villages=Count("children"))
    return render(
        request,
        "core/division_list.html",
        {"towns": towns, "page": paginate(request, villages), "town": town, "q": q},
    )


@login_required
def organisation_list(request):
    orgs = organisations_for(request.user).select_related("parent", "division")
    kind = request.GET.get("kind", "")
    if kind:
        orgs = orgs.filter(kind=kind)
    level = request.GET.get("level", "")
    if level:
        orgs = orgs.filter(level=level)
    if q := request.GET.get("q", "").strip():
        orgs = orgs.filter(name__contains=q)
    return render(
        request,
        "core/organisation_list.html",
        {
            "page": paginate(request, orgs),
            "kinds": Organisation.Kind.choices,
            "levels": Organisation.Level.choices,
            "kind": kind,
            "level": level,
            "q": q,
        },
    )


@login_required
def organisation_detail(request, pk):
    org = access_organisation_by_id(request.user, pk)
    children = organisations_for(request.user).filter(parent=org).select_related("division")
    points = service_points_for(request.user).filter(bank=org).select_related("village")[:200]
    return render(
        request, "core/organisation_detail.html", {"org": org, "children": children, "points": points}
    )


@login_required
def servicepoint_list(request):
    points = service_points_for(request.user).select_related("bank", "village", "village__parent")
    if request.GET.get("station") in {"0", "1"}:
        points = points.filter(is_station=request.GET["station"] == "1")
    return render(
        request,
        "core/servicepoint_list.html",
        {"page": paginate(request, points), "station": request.GET.get("station", "")},
    )


@login_required
def audit_list(request):
    logs = audit_logs_for(request.user)
    if not request.user.is_office:
        raise Http404
    filters = {
        k: request.GET.get(k, "").strip() for k in ("action", "object_type", "actor", "date_from", "date_to")
    }
    if filters["action"]:
        logs = logs.filter(action=filters["action"])
    if filters["object_type"]:
        logs = logs.filter(object_type=filters["object_type"])
    if filters["actor"]:
        logs = logs.filter(actor_label__contains=filters["actor"])
    if filters["date_from"]:
        logs = logs.filter(at__date__gte=filters["date_from"])
    if filters["date_to"]:
        logs = logs.filter(at__date__lte=filters["date_to"])
    return render(
        request,
        "core/audit_list.html",
        {"page": paginate(request, logs), "filters": filters, "actions": AuditLog.Action.choices},
    )


def _admin_only(user):
    if user.role != User.Role.ADMIN:
        raise Http404


@login_required
def user_list(request):
    _admin_only(request.user)
    users = User.objects.select_related("organisation", "town").order_by("role", "username")
    role = request.GET.get("role", "")
    if role:
        users = users.filter(role=role)
    if q := request.GET.get("q", "").strip():
        users = users.filter(Q(username__contains=q) | Q(display_name__contains=q))
    page = paginate(request, users)
    locked = set(
        AccessAttempt.objects.filter(
            username__in=[u.username for u in page], failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )
    return render(
        request,
        "core/user_list.html",
        {"page": page, "roles": User.Role.choices, "role": role, "q": q, "locked": locked},
    )


def _save_user(request, form, user=None):
    data = form.cleaned_data
    fields = {k: data[k] for k in ("display_name", "role", "organisation", "town", "phone", "is_active")}
    fields["household"] = data["household_code"]
    if user is None:
        password = data["password"] or secrets.token_urlsafe(12)
        user = services.user_create(
            actor=request.user,
            username=data["username"],
            password=password,
            villages=data["villages"],
            **fields,
        )
        if not data["password"]:
            messages.info(request, f"已创建用户 {user.username}，初始密码（仅显示一次）：{password}")
        else:
            messages.success(request, f"已创建用户 {user.username}。")
    else:
        services.user_update(
            actor=request.user, user=user, villages=data["villages"], username=data["username"], **fields
        )
        messages.success(request, f"已保存用户 {user.username}。")
    return redirect("user_list")


@login_required
def user_create(request):
    _admin_only(request.user)
    form = UserForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            return _save_user(request, form)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "core/user_form.html", {"form": form, "creating": True})


@login_required
def user_edit(request, pk):
    _admin_only(request.user)
    user = get_or_404(User.objects.all(), pk=pk)
    form = UserForm(request.POST or None, instance=user, creating=False)
    if request.method == "POST" and form.is_valid():
        try:
            return _save_user(request, form, user=get_or_404(User.objects.all(), pk=pk))
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "core/user_form.html", {"form": form, "creating": False, "target": user})


@login_required
@require_POST
def user_reset_password(request, pk):
    _admin_only(request.user)
    user = get_or_404(User.objects.all(), pk=pk)
    password = secrets.token_urlsafe(12)
    services.user_set_password(actor=request.user, user=user, password=password)
    messages.info(request, f"用户 {user.username} 的新密码（仅显示一次）：{password}")
    return redirect("user_list")


@login_required
@require_POST
def user_unlock(request, pk):
    _admin_only(request.user)
    user = get_or_404(User.objects.all(), pk=pk)
    services.user_unlock(actor=request.user, user=user)
    messages.success(request, f"已解除用户 {user.username} 的登录锁定。")
    return redirect("user_list")
