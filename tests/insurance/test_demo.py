"""The demo county's inclusive insurance (puhui/insurance/demo.py) on a small demo county: products of three
insurers for the plan's crops and groups, reports 2020–2021 in most towns, the 65% target met in 2021 but not
everywhere and not in 2020; the pages answer."""

from django.urls import reverse

from puhui.core.models import User
from puhui.insurance.models import Product, Report
from puhui.insurance.selectors import coverage as figures


def test_products_for_the_plans_crops_and_groups(in_demo):
    subjects = set(Product.objects.values_list("subject", flat=True))
    assert {"apple", "peach", "grape", "cherry", "herb", "greenhouse", "house", "machinery"} <= subjects
    assert {"dibao", "tekun", "elderly", "children", "disabled"} <= subjects
    assert Product.objects.values("insurer").distinct().count() >= 2
    assert Product.objects.filter(is_local_special=True).count() >= 6


def test_reports_in_most_towns_and_the_target_partly_met(in_demo):
    office = User.objects.get(username="office")
    assert set(Report.objects.values_list("year", flat=True)) == {2020, 2021}
    cov2021, cov2020 = figures.coverage(office, 2021), figures.coverage(office, 2020)
    assert cov2021.farm_rate >= 65 > cov2020.farm_rate
    rates = [t.rate for t in cov2021.towns if t.rate is not None]
    assert any(r >= 65 for r in rates) and any(r < 65 for r in rates)
    assert all(r.loss_ratio is not None for r in cov2021.products)


def test_the_pages_answer(in_demo, client):
    client.force_login(User.objects.get(username="office"))
    for name in ("coverage", "products", "reports"):
        assert client.get(reverse(f"insurance:{name}")).status_code == 200, name
    client.logout()
    assert client.get(reverse("insurance:public")).status_code == 200
