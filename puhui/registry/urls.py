from django.urls import path

from puhui.registry import views

urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/lookup/", views.household_lookup, name="household_lookup"),
    path("households/<id:pk>/", views.household_detail, name="household_detail"),
    path("households/<id:pk>/unmask/", views.household_unmask, name="household_unmask"),
    path("firms/", views.firm_list, name="firm_list"),
    path("firms/<id:pk>/", views.firm_detail, name="firm_detail"),
]
