"""The navigation: capabilities grouped in menus, each entry shown only to the roles that may use it."""

from django.urls import NoReverseMatch, reverse

from puhui.core.models import User

Role = User.Role
STAFF = {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION}

# (label, url name, roles that see it; None = every signed-in user), grouped by menu.
NAVIGATION = [
    ("首页", [("首页", "dashboard", None)]),
    (
        "实施方案",
        [
            ("任务看板", "plan_board", STAFF),
            ("我的任务", "plan_my_tasks", {Role.MEMBER_UNIT, Role.INSTITUTION, Role.OFFICE}),
        ],
    ),
    (
        "数据与目标",
        [
            ("数据报送", "data_home", STAFF),
            ("目标监测", "data_targets", STAFF | {Role.TOWN}),
        ],
    ),
    (
        "信用体系",
        [
            (
                "信用档案",
                "credit_worklist",
                {Role.AGENT, Role.TOWN, Role.OFFICE, Role.ADMIN, Role.INSTITUTION},
            ),
            (
                "预授信清单",
                "credit_lines",
                {Role.INSTITUTION, Role.OFFICE, Role.ADMIN, Role.TOWN, Role.AGENT},
            ),
            ("异议处理", "credit_objections", {Role.OFFICE, Role.TOWN}),
            ("镇村信用建设", "credit_towns", STAFF | {Role.TOWN}),
            ("评分卡与评定", "credit_scorecards", {Role.OFFICE, Role.ADMIN}),
            ("我的信用", "credit_mine", {Role.PUBLIC}),
        ],
    ),
    ("普惠金融指数", [("普惠金融指数", "index:overview", STAFF | {Role.TOWN})]),
    (
        "名录",
        [
            ("行政区划", "division_list", None),
            ("机构与网点", "organisation_list", STAFF | {Role.TOWN}),
            ("助农取款服务点", "servicepoint_list", STAFF | {Role.TOWN, Role.AGENT}),
            ("农户名录", "household_list", {Role.OFFICE, Role.ADMIN, Role.TOWN, Role.AGENT, Role.PUBLIC}),
            ("市场主体", "firm_list", {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.TOWN}),
        ],
    ),
    (
        "系统",
        [
            ("数据导入", "import_upload", {Role.OFFICE, Role.ADMIN}),
            ("接口令牌", "token_list", STAFF),
            ("后台任务", "job_list", None),
            ("操作日志", "audit_list", {Role.OFFICE, Role.ADMIN}),
            ("用户管理", "user_list", {Role.ADMIN}),
        ],
    ),
    ("消息", [("消息", "plan_notifications", None)]),
]


def entries():
    """Every (label, url name, roles) entry, for tests and checks."""
    return [entry for _menu, links in NAVIGATION for entry in links]


def navigation(request):
    # No user when a request fails before AuthenticationMiddleware (e.g. the 400 page for a bad Host header).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menus": []}
    path = request.path
    menus = []
    for menu, links in NAVIGATION:
        items = []
        for label, name, roles in links:
            if roles is not None and user.role not in roles:
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:  # a capability not installed in this deployment
                continue
            active = path == url if name == "dashboard" else path.startswith(url)
            items.append({"label": label, "url": url, "active": active, "badge": badge(name, user)})
        if items:
            menus.append({"label": menu, "items": items, "active": any(i["active"] for i in items)})
    return {"nav_menus": menus}


def badge(name: str, user) -> int:
    if name == "plan_notifications":
        from puhui.plan.selectors import unread_notification_count

        return unread_notification_count(user)
    return 0
