from django.urls import path

from puhui.risk.views import networks, warnings

app_name = "risk"

urlpatterns = [
    # ---- guarantee networks (views/networks.py); the period is ?period=2021Q4, the latest run by default
    path("networks/", networks.networks, name="networks"),
    path("networks/groups/", networks.groups, name="network_groups"),
    path("networks/groups/<id:number>/", networks.group_detail, name="group"),
    path("networks/groups/<id:number>/graph.json", networks.group_graph, name="group_graph"),
    path("networks/firms/", networks.firms, name="network_firms"),
    # ---- early warnings (views/warnings.py)
    path("warnings/", warnings.warnings, name="warnings"),
    path("warnings/dashboard/", warnings.warnings_dashboard, name="warnings_dashboard"),
    path("warnings/rules/", warnings.warning_rules, name="warning_rules"),
    path("warnings/<id:pk>/", warnings.warning, name="warning"),
    path("warnings/<id:pk>/assign/", warnings.warning_assign, name="warning_assign"),
    path("warnings/<id:pk>/acknowledge/", warnings.warning_acknowledge, name="warning_acknowledge"),
    path("warnings/<id:pk>/answer/", warnings.warning_answer, name="warning_answer"),
    path("warnings/<id:pk>/note/", warnings.warning_note, name="warning_note"),
    path("warnings/<id:pk>/close/", warnings.warning_close, name="warning_close"),
]
