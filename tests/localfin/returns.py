"""Approved returns of the local organisations' forms, submitted and reviewed through the data services."""

from puhui.data import catalogue as data_catalogue
from puhui.data import services


def submit(actor, office, org, form: str, period: str, items: dict):
    row = {data_catalogue.form(form).item(k).header: str(v) for k, v in items.items()}
    up = services.upload_start(
        actor=actor, institution=org, form_code=form, period_code=period, channel="api", rows=[row]
    )
    assert up.status == "succeeded", up.errors
    return services.submission_review(actor=office, submission=up.submission, approve=True, recompute=False)


WAN = 10_000


def guarantee_items(net_assets_wan, in_force_wan, largest_wan=150):
    return {
        "net_assets": net_assets_wan * WAN,
        "in_force": in_force_wan * WAN,
        "in_force_small_farm": in_force_wan * WAN // 2,
        "largest_client": largest_wan * WAN,
        "issued": 1000 * WAN,
        "compensated": 10 * WAN,
        "recovered": 2 * WAN,
        "clients": 300,
    }


def lending_items(capital_wan, balance_wan, largest_wan, npl_wan=100, borrowed_wan=2000):
    return {
        "net_capital": capital_wan * WAN,
        "borrowed": borrowed_wan * WAN,
        "balance": balance_wan * WAN,
        "balance_farm": balance_wan * WAN // 3,
        "balance_small": balance_wan * WAN // 3,
        "largest_client": largest_wan * WAN,
        "npl": npl_wan * WAN,
        "issued": balance_wan * WAN // 4,
        "clients": 250,
    }
