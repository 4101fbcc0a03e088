"""The financing pages render for the roles that use them, and a bank gets 404 for a demand not routed to it
(a first cut of the role × URL table, which is still to write)."""

import pytest
from django.urls import reverse

from puhui.financing.services import demands

pytestmark = pytest.mark.django_db


def test_pages_render_and_a_bank_gets_404_for_a_demand_not_routed_to_it(client, users, shelf, county):
    demand = demands.demand_post(
        actor=users["firm_b"],
        firm=county["firms"][1],
        amount=100_000,
        term=12,
        purpose="进货",
        collateral=["credit"],
    )
    names = ["financing:home", "financing:products", "financing:demands", "financing:advisers"]
    for user, name in [(users["office"], n) for n in names] + [(users["abc"], n) for n in names]:
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 200, (user, name)
    client.force_login(users["abc"])
    page = client.get(reverse("financing:demand", args=[demand.pk]))
    assert page.status_code == 200 and "提交答复" in page.content.decode()
    client.force_login(users["firm_b"])
    assert client.get(reverse("financing:demand", args=[demand.pk])).status_code == 200
    assert client.get(reverse("financing:demand_add")).status_code == 200
    for other in (users["rcb"], users["firm_a"], users["town_lishan"], users["public"]):
        client.force_login(other)
        assert client.get(reverse("financing:demand", args=[demand.pk])).status_code == 404
