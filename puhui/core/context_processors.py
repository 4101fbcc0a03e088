"""The navigation: menus of entries that the installed apps contribute (`NAVIGATION` in each app's
`plugin.py`, see `puhui/core/plugins.py`), each entry shown only to the roles that may use it."""

from django.urls import NoReverseMatch, reverse

from puhui.core import plugins


def entries():
    """Every (label, url name, roles) entry, for tests and checks."""
    return [
        (item.label, item.url_name, item.roles) for _menu, items in plugins.navigation() for item in items
    ]


def navigation(request):
    # No user when a request fails before AuthenticationMiddleware (e.g. the 400 page for a bad Host header).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menus": []}
    path = request.path
    menus = []
    for menu, links in plugins.navigation():
        items = []
        for link in links:
            if not link.visible_to(user):
                continue
            try:
                url = reverse(link.url_name)
            except NoReverseMatch:  # a capability not installed in this deployment
                continue
            active = path == url if link.url_name == "dashboard" else path.startswith(url)
            items.append({"label": link.label, "url": url, "active": active, "badge": link.badge_for(user)})
        if items:
            menus.append(
                {
                    "label": menu.label,
                    "items": items,
                    "active": any(i["active"] for i in items),
                    "badge": sum(i["badge"] for i in items),  # a closed dropdown still shows its count
                }
            )
    return {"nav_menus": menus}
