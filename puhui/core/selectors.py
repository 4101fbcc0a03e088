"""Reads for the dashboard and the core pages, each scoped through `access`."""

from django.db.models import Count, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from puhui.core import plugins
from puhui.core.access import divisions_for, organisations_for, service_points_for, terminals_for
from puhui.core.models import AuditLog, Division, Organisation, User
from puhui.registry.access import firms_for, households_for

Role = User.Role
Level = Organisation.Level


def villages_in_scope(user: User):
    """The villages whose census figures belong on this user's dashboard."""
    villages = divisions_for(user).filter(level=Division.Level.VILLAGE)
    if user.role == Role.TOWN:
        return villages.filter(parent_id=user.town_id)
    if user.role == Role.AGENT:
        return villages.filter(pk__in=user.villages.values("pk"))
    if user.role == Role.PUBLIC:
        return villages.none()
    return villages


def dashboard_cards(user: User) -> list[dict]:
    cards = []
    if user.role != Role.PUBLIC:
        census = villages_in_scope(user).aggregate(
            villages=Count("pk"),
            population=Sum("population"),
            households=Sum("households"),
            farm=Sum("farm_households"),
        )
        cards += [
            {"label": "村（社区）", "value": census["villages"], "unit": "个"},
            {"label": "户籍人口", "value": census["population"] or 0, "unit": "人"},
            {"label": "户数", "value": census["households"] or 0, "unit": "户"},
            {"label": "农户", "value": census["farm"] or 0, "unit": "户"},
        ]
    if user.role in {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.TOWN}:
        cards.append({"label": "市场主体", "value": firms_for(user).count(), "unit": "户"})
    if user.role in {Role.AGENT, Role.PUBLIC}:
        cards.append({"label": "可查看的农户档案", "value": households_for(user).count(), "unit": "户"})
    orgs = organisations_for(user).filter(kind__in=Organisation.FINANCIAL_KINDS)
    if user.role != Role.PUBLIC and user.role != Role.AGENT:
        cards += [
            {"label": "金融机构", "value": orgs.filter(level=Level.BRANCH).count(), "unit": "家"},
            {"label": "营业网点", "value": orgs.filter(level=Level.OUTLET).count(), "unit": "个"},
        ]
    if user.role != Role.PUBLIC:
        points = service_points_for(user).aggregate(
            all=Count("pk"), stations=Count("pk", filter=Q(is_station=True))
        )
        cards.append({"label": "助农取款服务点", "value": points["all"], "unit": "个"})
        cards.append({"label": "其中：普惠金融服务站", "value": points["stations"], "unit": "个"})
    if user.role in {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION, Role.TOWN}:
        cards.append({"label": "自助机具", "value": terminals_for(user).count(), "unit": "台"})
    return cards


def town_series(user: User) -> dict:
    """One figure per town for the map: a bank sees its own outlets; everyone else households."""
    towns = {t.pk: t.name for t in divisions_for(user).filter(level=Division.Level.TOWN)}
    if user.role == Role.INSTITUTION:
        rows = (
            organisations_for(user)
            .filter(level=Level.OUTLET, division__parent_id__in=towns)
            .values("division__parent_id")
            .annotate(v=Count("pk"))
        )
        values = {r["division__parent_id"]: r["v"] for r in rows}
        metric = "本机构网点数"
    else:
        rows = villages_in_scope(user).values("parent_id").annotate(v=Sum("households"))
        values = {r["parent_id"]: r["v"] for r in rows}
        metric = "户数"
    return {
        "metric": metric,
        "data": [{"name": name, "value": values.get(pk, 0)} for pk, name in towns.items()],
    }


def county_geojson(user: User) -> dict:
    features = []
    for town in divisions_for(user).filter(level=Division.Level.TOWN).exclude(boundary=None):
        features.append(
            {
                "type": "Feature",
                "properties": {"name": town.name, "code": town.code},
                "geometry": town.boundary,
            }
        )
    return {"type": "FeatureCollection", "features": features}


TODO_ITEMS = 5  # the first items shown under each to-do line


def todo_list(user: User) -> list[dict]:
    """The home page's 今日待办: every app's to-do lines for this role (`TODO` in its plugin.py) that have
    something to do, each with its count, the page where it is done and its first items."""
    rows = []
    for source in plugins.todo_sources(user):
        try:
            url = reverse(source.url_name)
        except NoReverseMatch:  # a capability not installed in this deployment
            continue
        count = plugins.counted(source.count, user)
        if not count:
            continue
        items = import_string(source.items)(user, TODO_ITEMS) if source.items else []
        rows.append(
            {
                "label": source.label,
                "count": min(count, plugins.TODO_CAP),
                "more": count > plugins.TODO_CAP,  # shown as 超过 999
                "url": f"{url}?{source.query}" if source.query else url,
                "urgent": source.urgent,
                "unit": source.unit,
                "items": [{"text": text, "url": link} for text, link in items],
            }
        )
    return rows


def record_history(obj, *, limit: int = 100) -> list[dict]:
    """A record's change history for its page: who, when, how (from which file), and the fields that changed,
    with Chinese labels; personal data is masked in the log itself (`audit.snapshot`). The caller has already
    loaded `obj` through its access rule, so whoever may see the record sees its history."""
    labels = {f.attname: str(f.verbose_name) for f in obj._meta.concrete_fields}
    rows = (
        AuditLog.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk))
        .exclude(action=AuditLog.Action.UNMASK)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
    history = []
    for log in rows:
        before, after = log.before or {}, log.after or {}
        changes = [
            {"label": labels.get(name, name), "before": before.get(name), "after": after.get(name)}
            for name in sorted({*before, *after} & labels.keys(), key=list(labels).index)
            if before.get(name) != after.get(name) and name != "id"
        ]
        history.append({"log": log, "changes": changes})
    return history
