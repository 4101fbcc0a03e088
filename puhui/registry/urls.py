from django.urls import path

from puhui.registry import household_views, network_views, views

urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/lookup/", views.household_lookup, name="household_lookup"),
    path("households/<id:pk>/", views.household_detail, name="household_detail"),
    path("households/<id:pk>/unmask/", views.household_unmask, name="household_unmask"),
    path("households/<id:pk>/split/", household_views.household_split, name="household_split"),
    path("households/<id:pk>/merge/", household_views.household_merge, name="household_merge"),
    path("households/<id:pk>/move/", household_views.household_move, name="household_move"),
    path("households/<id:pk>/dissolve/", household_views.household_dissolve, name="household_dissolve"),
    path("households/census/", household_views.household_census, name="household_census"),
    path("households/export-clear/", household_views.household_export_clear, name="household_export_clear"),
    path("firms/", views.firm_list, name="firm_list"),
    path("firms/<id:pk>/", views.firm_detail, name="firm_detail"),
    # The service network and firm lifecycle (puhui/registry/network_views.py).
    path("firms/<id:pk>/deregister/", network_views.firm_deregister_view, name="firm_deregister"),
    path("service-points/new/", network_views.service_point_new, name="service_point_new"),
    path("service-points/<id:pk>/", network_views.service_point_detail, name="service_point_detail"),
    path(
        "service-points/<id:pk>/upgrade/", network_views.service_point_upgrade, name="service_point_upgrade"
    ),
    path(
        "service-points/<id:pk>/suspend/", network_views.service_point_suspend, name="service_point_suspend"
    ),
    path("service-points/<id:pk>/resume/", network_views.service_point_resume, name="service_point_resume"),
    path("service-points/<id:pk>/close/", network_views.service_point_close, name="service_point_close"),
    path("outlets/<id:pk>/", network_views.outlet_detail, name="outlet_detail"),
    path("outlets/<id:pk>/suspend/", network_views.outlet_suspend, name="outlet_suspend"),
    path("outlets/<id:pk>/resume/", network_views.outlet_resume, name="outlet_resume"),
    path("terminals/", network_views.terminal_list, name="terminal_list"),
    path("terminals/new/", network_views.terminal_new, name="terminal_new"),
    path("terminals/<id:pk>/", network_views.terminal_detail, name="terminal_detail"),
    path("terminals/<id:pk>/retire/", network_views.terminal_retire, name="terminal_retire"),
    path("reconciliation/", network_views.reconciliation_view, name="reconciliation"),
    path("reconciliation/flag/", network_views.reconciliation_flag_view, name="reconciliation_flag"),
]
