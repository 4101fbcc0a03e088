"""The navigation: one entry per capability, shown only to the roles that may use it."""

from django.urls import NoReverseMatch, reverse

from puhui.core.models import User

Role = User.Role

# (label, url name, roles that see it; None = every signed-in user)
NAVIGATION = [
    ("首页", "dashboard", None),
    ("实施方案", "plan_board", {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION}),
    ("我的任务", "plan_my_tasks", {Role.MEMBER_UNIT, Role.INSTITUTION, Role.OFFICE}),
    ("行政区划", "division_list", None),
    ("机构与网点", "organisation_list", {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION, Role.TOWN}),
    ("服务点", "servicepoint_list", {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION, Role.TOWN, Role.AGENT}),
    ("农户名录", "household_list", {Role.OFFICE, Role.ADMIN, Role.TOWN, Role.AGENT, Role.PUBLIC}),
    ("市场主体", "firm_list", {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.TOWN}),
    ("数据导入", "import_upload", {Role.OFFICE, Role.ADMIN}),
    ("接口令牌", "token_list", {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION}),
    ("后台任务", "job_list", None),
    ("消息", "plan_notifications", None),
    ("操作日志", "audit_list", {Role.OFFICE, Role.ADMIN}),
    ("用户管理", "user_list", {Role.ADMIN}),
]


def navigation(request):
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": []}
    path = request.path
    items = []
    for label, name, roles in NAVIGATION:
        if roles is not None and user.role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # a capability not installed in this deployment
            continue
        active = path == url if name == "dashboard" else path.startswith(url)
        items.append({"label": label, "url": url, "active": active, "badge": badge(name, user)})
    return {"nav_items": items}


def badge(name: str, user) -> int:
    if name == "plan_notifications":
        from puhui.plan.selectors import unread_notification_count

        return unread_notification_count(user)
    return 0
