from django.urls import path

from puhui.risk.views import networks

app_name = "risk"

urlpatterns = [
    # ---- guarantee networks (views/networks.py)
    path("networks/", networks.networks, name="networks"),
    path("networks/<str:period>/groups/<int:number>/", networks.group_detail, name="group"),
    path("networks/<str:period>/groups/<int:number>/graph.json", networks.group_graph, name="group_graph"),
    path("networks/<str:period>/firms/", networks.firms, name="network_firms"),
    # ---- early warnings (views/warnings.py)
]
