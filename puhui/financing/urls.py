from django.urls import path

from puhui.financing import views

app_name = "financing"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.product_list, name="products"),
    path("products/new/", views.product_add, name="product_add"),
    path("products/<id:pk>/edit/", views.product_edit, name="product_edit"),
    path("demands/", views.demand_list, name="demands"),
    path("demands/new/", views.demand_add, name="demand_add"),
    path("demands/<id:pk>/", views.demand_detail, name="demand"),
    path("demands/<id:pk>/withdraw/", views.demand_withdraw, name="demand_withdraw"),
    path("routes/<id:pk>/answer/", views.route_answer, name="route_answer"),
    path("routes/<id:pk>/grant/", views.route_grant, name="route_grant"),
    path("advisers/", views.advisers_page, name="advisers"),
    path("advisers/assign/", views.assignment_add, name="assignment_add"),
    path("advisers/visits/new/", views.visit_add, name="visit_add"),
]
