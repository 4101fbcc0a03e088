"""Plug-in hooks: what each app adds to the platform's shared places, so that core, jobs and the API name
no capability app.

Every app may have a `plugin` module (`puhui/<app>/plugin.py`) that declares its contributions as
module-level lists — data, not calls, as NetBox's plugins declare `menu_items` in `navigation.py`:

    NAVIGATION = [NavItem(PLAN, 10, "任务看板", "plan_board", STAFF), ...]  # menu entries (and badges)
    API_ROUTERS = [ApiRouter("/plan", f"{__package__}.api.router")]         # routers under /api/v1/
    JOB_LAUNCHERS = [JobLauncher(...)]                                     # jobs started from the job page
    TODO = [TodoSource("待审核的报送", roles, count=..., url_name=..., order=...)]  # the home page's 今日待办
    HOME_PAGES = [HomePage(frozenset({Role.PUBLIC}), "credit_mine")]       # a role's landing page
    SERVICES = [Service("service_point_register", f"{__package__}.network.service_point_register")]  # writes
    IMPORT_TABLES = [ImportTable("households", spec=..., run=..., roles=...)]  # registers loaded from files
    DATA_SOURCES = [DataSource("direct_financing", "直接融资额", values=..., levels=("county",))]  # for indicators
    PROFILE_FLAGS = [ProfileFlag("dishonest_debtor", f"{__package__}.selectors.flags_for")]  # on profile pages
    PROFILE_SECTIONS = [ProfileSection("financing", f"{__package__}.selectors.profile.section")]  # firm profiles
    EVENT_HANDLERS = [EventHandler("submission_approved", f"{__package__}.events.on_approved")]  # reactions
    FINDER_LAYERS = [FinderLayer("cash_points", "现金服务点", places=..., order=30)]  # on the public finder
    PUBLIC_LINKS = [PublicLink("预约现金服务", "cash:booking", order=20)]  # the public finder's links

Events: an app announces that something happened with `publish(event, **payload)` — inside its write's
transaction — and every installed app's handler of that event is called with the payload once the
transaction commits (never for a write rolled back; a failing handler is logged, the write stands). A
handler must be quick: real work goes to a background job. The events published, and their payloads:

    "submission_approved"   submission_id   (data: the office approved a submission, `submission_review`)

The modules are found like Django's `autodiscover_modules("plugin")` finds them (`module_has_submodule`,
then `import_module`), but nothing is registered into a global: each read goes over the apps installed
now, in INSTALLED_APPS order. An app that is not installed contributes nothing, and a test that installs
an extra app sees its entries (and stops seeing them when the setting is restored).

Two more hooks work by module name and stay where they are: an app's `index_sources` module (index
sources, `puhui/index/sources.py`) and its `demo` module (`build(ctx)`, `puhui/demo/build.py`). Daily
jobs are added with `puhui.jobs.schedule.schedule(...)` from `AppConfig.ready()`.

Dotted paths (routers, badge counters, tasks) are imported only when used, so declaring an entry
imports nothing heavy.
"""

import functools
import importlib
from dataclasses import dataclass

from django.apps import AppConfig, apps
from django.core import checks
from django.db import transaction
from django.utils.module_loading import import_string, module_has_submodule

from puhui.core.models import User

MODULE = "plugin"

Role = User.Role
# Staff of the office, the admins, member units and financial institutions.
STAFF = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION})


@dataclass(frozen=True)
class Menu:
    """A menu of the navigation bar; menus are shown by `order`."""

    label: str
    order: int


@dataclass(frozen=True)
class NavItem:
    """One entry of a menu. `roles` None: every signed-in user. `badge`: dotted path of `fn(user) -> int`,
    the number shown beside the entry (0 shows nothing); `when`: see below."""

    menu: Menu
    order: int
    label: str
    url_name: str
    roles: frozenset | None = None
    badge: str = ""
    # Dotted path of `fn(user) -> bool` for an entry only some users of its roles use (the member unit that
    # grants a policy rule, not every member unit); computed once per request like the badges.
    when: str = ""

    def visible_to(self, user) -> bool:
        if self.roles is not None and user.role not in self.roles:
            return False
        return not self.when or bool(counted(self.when, user))

    def badge_for(self, user) -> int:
        return counted(self.badge, user) if self.badge else 0


# A to-do count stops here: "超过 999" is as actionable as 38,217, and a capped count reads at most this
# many index entries (a bank's whole verification queue at scale 10 would be tens of thousands).
TODO_CAP = 999


def capped_count(queryset) -> int:
    """The rows of `queryset`, or TODO_CAP + 1 when there are more than TODO_CAP (shown as "超过 999")."""
    return queryset[: TODO_CAP + 1].count()


def counted(path: str, user) -> int:
    """`fn(user)` at the dotted `path`, computed once per request: the navigation badges and the home
    page's to-do list count the same things, and the user object lives as long as the request."""
    memo = user.__dict__.setdefault("_puhui_counts", {})
    if path not in memo:
        memo[path] = import_string(path)(user)
    return memo[path]


@dataclass(frozen=True)
class ApiRouter:
    """A django-ninja router added to /api/v1/ under `prefix`; `router` is its dotted path."""

    prefix: str
    router: str


@dataclass(frozen=True)
class JobLauncher:
    """A background job the given roles may start from the job page (listed by `order`)."""

    name: str
    label: str
    description: str
    task_path: str
    roles: frozenset
    order: int = 100

    @property
    def task(self):
        return import_string(self.task_path)


@dataclass(frozen=True)
class ImportTable:
    """A register staff can load from CSV/Excel (page, CLI and background job alike).

    `spec`: dotted path of its `TableSpec`; `run`: of its import service, called as
    `run(*, actor, file, mode, filename, sheet, progress)` and returning an `ImportResult` (it checks the
    actor's scope itself); `template`: of a `() -> bytes` xlsx template when the generic one from the spec
    will not do. `roles`: who sees it on the import page.
    """

    name: str
    spec: str
    run: str
    roles: frozenset
    template: str = ""
    order: int = 100

    def visible_to(self, user) -> bool:
        return user.role in self.roles


@dataclass(frozen=True)
class TodoSource:
    """One line of a role's to-do list (今日待办) on the home page, and what the navigation badges count.

    `count`: dotted path of `fn(user) -> int`, counting through the app's access layer (imported only when
    the home page is drawn; keep it to an indexed count); `url_name` (with `query`, e.g. "status=draft"):
    the page where the items are done; `items`: optional dotted path of `fn(user, limit) -> [(text, url)]`,
    the first items, so the list leads straight to one; `urgent`: overdue things, shown in red; `unit`:
    what is counted (份, 户, 个). A line whose count is 0 is left off the list.
    """

    label: str
    roles: frozenset
    count: str
    url_name: str
    order: int = 100
    query: str = ""
    items: str = ""
    urgent: bool = False
    unit: str = "项"

    def visible_to(self, user) -> bool:
        return user.role in self.roles


@dataclass(frozen=True)
class HomePage:
    """Where users of `roles` land instead of the dashboard (a farmer: their own credit page). `when`: dotted
    path of `fn(user) -> bool` narrowing it within the role (a public user who acts for a firm: the firm's
    page); entries with a `when` are asked before those without."""

    roles: frozenset
    url_name: str
    when: str = ""

    def applies_to(self, user) -> bool:
        return user.role in self.roles and (not self.when or bool(counted(self.when, user)))


@dataclass(frozen=True)
class Service:
    """A write service an app offers the platform under a name; `path`: its dotted path. Core and the API
    call it through `service(name)` so that a rule kept in an app (the registry's service-point lifecycle)
    has one place, without naming the app."""

    name: str
    path: str


def service(name: str):
    """The callable an installed app offers as `name` (its plugin.py `SERVICES`); LookupError if none."""
    for entry in contributions("SERVICES"):
        if entry.name == name:
            return import_string(entry.path)
    raise LookupError(f"no installed app offers the service {name!r}")


@dataclass(frozen=True)
class ProfileFlag:
    """A warning an app shows on a firm's or a household's profile page (the registry's), without the
    registry naming the app. `path`: dotted path of `fn(user, *, firm=None, household=None) -> [dict]`, each
    dict with "text" (shown as a badge), "detail" and "url"; the function shows each user only what that
    user may see (an empty list otherwise)."""

    name: str
    path: str


def profile_flags(user, *, firm=None, household=None) -> list[dict]:
    """Every installed app's flags on this firm's or household's profile, as this user may see them."""
    return [
        flag
        for entry in contributions("PROFILE_FLAGS")
        for flag in import_string(entry.path)(user, firm=firm, household=household)
    ]


@dataclass(frozen=True)
class ProfileSection:
    """A section an app adds to a firm's credit profile (信用画像, puhui.firms), so that the profile shows the
    app's records without naming it. `path`: dotted path of `fn(user, *, firm) -> dict | None` giving "title",
    "rows" ([(label, value)], values as shown, with their units) and optionally "url"; None when this user
    may see nothing of it. Sections are shown by `order`."""

    name: str
    path: str
    order: int = 50


def profile_sections(user, *, firm) -> list[dict]:
    """Every installed app's section of this firm's profile that this user may see, in order."""
    entries = sorted(contributions("PROFILE_SECTIONS"), key=lambda e: e.order)
    return [
        {"name": entry.name, **section}
        for entry in entries
        if (section := import_string(entry.path)(user, firm=firm)) is not None
    ]


@dataclass(frozen=True)
class EventHandler:
    """What an app does when an event is published (`publish`): `path` is the dotted path of
    `fn(**payload)`, called after the publishing transaction commits."""

    event: str
    path: str


def publish(event: str, **payload) -> None:
    """Announce `event`: each installed app's handlers of it run after the current transaction commits (at
    once outside a transaction), in INSTALLED_APPS order; an exception in one is logged, not raised."""
    for entry in contributions("EVENT_HANDLERS"):
        if entry.event == event:
            transaction.on_commit(functools.partial(_handle, entry.path, payload), robust=True)


def _handle(path: str, payload: dict) -> None:
    import_string(path)(**payload)


@dataclass(frozen=True)
class DataSource:
    """A figure an app computes from its own records, for the indicator catalogue's `platform` sources.

    `values`: dotted path of `fn(start, end) -> [(organisation_id | None, town_id | None, village_id | None,
    value)]` for a period from `start` to `end` (dates) — a stock as at `end`, a flow during the period; a
    year is asked for as a whole —, rolled up to the levels given. `link`: the url name of the records' list, which the
    figure's lineage page links to (with `?year=`), so every number leads back to its rows.
    """

    name: str
    label: str
    values: str
    levels: tuple = ("county",)
    link: str = ""


def data_sources() -> dict[str, DataSource]:
    return {source.name: source for source in contributions("DATA_SOURCES")}


@dataclass(frozen=True)
class FinderLayer:
    """A kind of place the public finder (the phone page a farmer opens without an account) shows on its map
    and list: outlets and stations, cash points, merchants.

    `places`: dotted path of `fn(village_ids: list[int]) -> list[dict]`, the places of that kind in those
    villages (and, for a place without a village, in their towns), each a dict with
    `key` (unique over all layers, e.g. "cash:12"), `name`, `village_id` (or None), `town_id`, `lon`, `lat`
    (floats, or None: the finder puts the place at its village's or town's centre), `address`, `services`
    (Chinese labels), `hours` (Chinese text, "" unknown), `phone` ("" none), `note` ("" none) and `url`
    (a public page of the place, or ""). Public data only: no person, no figure a bank reported.
    """

    name: str
    label: str
    places: str
    order: int = 100


def finder_layers() -> list[FinderLayer]:
    return sorted(contributions("FINDER_LAYERS"), key=lambda layer: layer.order)


@dataclass(frozen=True)
class PublicLink:
    """A public page (no sign-in) the public finder links to: booking cash services, the insurance products on
    offer, filing a complaint."""

    label: str
    url_name: str
    order: int = 100


def public_links() -> list[PublicLink]:
    return sorted(contributions("PUBLIC_LINKS"), key=lambda link: link.order)


# The core's own menus; entries of other apps may join them (a household roster under 名录).
HOME = Menu("首页", 0)
DIRECTORY = Menu("名录", 60)
SYSTEM = Menu("系统", 70)


def plugin_modules() -> tuple:
    """The `plugin` module of every installed app that has one, in INSTALLED_APPS order."""
    return _modules(tuple(apps.get_app_configs()))


@functools.lru_cache(maxsize=16)
def _modules(configs: tuple[AppConfig, ...]) -> tuple:
    return tuple(
        importlib.import_module(f"{config.name}.{MODULE}")
        for config in configs
        if module_has_submodule(config.module, MODULE)
    )


def contributions(name: str) -> list:
    """Every installed app's entries of one hook (`NAVIGATION`, `API_ROUTERS`, `JOB_LAUNCHERS`)."""
    return [entry for module in plugin_modules() for entry in getattr(module, name, ())]


def navigation() -> list[tuple[Menu, list[NavItem]]]:
    """The menus and their entries, each sorted by order (ties keep INSTALLED_APPS order)."""
    menus: dict[Menu, list[NavItem]] = {}
    for item in contributions("NAVIGATION"):
        menus.setdefault(item.menu, []).append(item)
    return [
        (menu, sorted(items, key=lambda i: i.order))
        for menu, items in sorted(menus.items(), key=lambda pair: pair[0].order)
    ]


def api_routers() -> list[ApiRouter]:
    return contributions("API_ROUTERS")


def job_launchers() -> list[JobLauncher]:
    return sorted(contributions("JOB_LAUNCHERS"), key=lambda launcher: launcher.order)


def todo_sources(user) -> list[TodoSource]:
    """The to-do lines this user's role has, by `order` (ties keep INSTALLED_APPS order)."""
    return sorted((t for t in contributions("TODO") if t.visible_to(user)), key=lambda todo: todo.order)


def home_page(user) -> str | None:
    """The url name this user's role lands on instead of the dashboard, if an app declares one."""
    pages = sorted(contributions("HOME_PAGES"), key=lambda h: not h.when)
    return next((h.url_name for h in pages if h.applies_to(user)), None)


def import_tables() -> list[ImportTable]:
    return sorted(contributions("IMPORT_TABLES"), key=lambda table: table.order)


@checks.register()
def check_plugins(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Plug-in modules import, and their entries do not collide."""
    errors = []
    try:
        plugin_modules()
    except Exception as exc:  # reported as a check error rather than a traceback at the first request
        return [checks.Error(f"A plugin module failed to import: {exc!r}", id="puhui.E101")]
    orders: dict[str, int] = {}
    for item in contributions("NAVIGATION"):
        if orders.setdefault(item.menu.label, item.menu.order) != item.menu.order:
            errors.append(checks.Error(f"Menu {item.menu.label!r} declared with two orders", id="puhui.E102"))
    for hook, key in (
        ("NAVIGATION", lambda i: i.url_name),
        ("API_ROUTERS", lambda r: r.prefix),
        ("JOB_LAUNCHERS", lambda j: j.name),
        ("IMPORT_TABLES", lambda t: t.name),
        ("TODO", lambda t: f"{t.count}?{t.query}"),
        ("SERVICES", lambda s: s.name),
        ("EVENT_HANDLERS", lambda e: f"{e.event}:{e.path}"),
        ("PROFILE_FLAGS", lambda f: f.name),
        ("PROFILE_SECTIONS", lambda s: s.name),
    ):
        seen = set()
        for entry in contributions(hook):
            if key(entry) in seen:
                errors.append(checks.Error(f"{hook}: {key(entry)!r} contributed twice", id="puhui.E103"))
            seen.add(key(entry))
    return errors
