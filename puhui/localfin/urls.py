from django.urls import path

from puhui.localfin.views import financing, listing, orgs

app_name = "localfin"

urlpatterns = [
    # ---- overview, organisations, licences, breaches, insurance network (views/orgs.py)
    path("", orgs.home, name="home"),
    path("organisations/", orgs.organisations, name="organisations"),
    path("organisations/<id:pk>/", orgs.organisation, name="organisation"),
    path("organisations/<id:pk>/licence/", orgs.licence_edit, name="licence_edit"),
    path("breaches/", orgs.breaches, name="breaches"),
    path("insurance/", orgs.insurance, name="insurance"),
    # ---- the listing pipeline (views/listing.py)
    path("listing/", listing.listing_board, name="listing_board"),
    path("listing/firms/", listing.listing_firms, name="listing_firms"),
    path("listing/new/", listing.listing_add, name="listing_add"),
    path("listing/goals/", listing.listing_goals, name="listing_goals"),
    path("listing/<id:pk>/", listing.candidate_detail, name="candidate_detail"),
    path("listing/<id:pk>/edit/", listing.candidate_edit, name="candidate_edit"),
    path("listing/<id:pk>/move/", listing.candidate_move, name="candidate_move"),
    # ---- direct financing, the exchange, credit mutuals (views/financing.py)
    path("financing/", financing.financing_overview, name="financing_overview"),
    path("financing/bonds/", financing.bonds, name="bonds"),
    path("financing/bonds/new/", financing.bond_add, name="bond_add"),
    path("financing/bonds/<id:pk>/edit/", financing.bond_edit, name="bond_edit"),
    path("financing/bonds/<id:pk>/delete/", financing.bond_delete, name="bond_delete"),
    path("financing/equity/", financing.equity, name="equity"),
    path("financing/equity/new/", financing.equity_add, name="equity_add"),
    path("financing/equity/<id:pk>/edit/", financing.equity_edit, name="equity_edit"),
    path("financing/equity/<id:pk>/delete/", financing.equity_delete, name="equity_delete"),
    path("exchange/", financing.exchange, name="exchange"),
    path("mutuals/", financing.mutuals, name="mutuals"),
    path("mutuals/<id:pk>/", financing.mutual_detail, name="mutual_detail"),
    path("mutuals/<id:pk>/months/", financing.mutual_month_add, name="mutual_month_add"),
]
