"""Path parameters and cross-tenant writes of the small-firm apps (#15: firms — 企业信用画像 and the firms'
authorisations —, firstloans — 首贷培植 —, financing — 融资对接) for bench/bench_security.py. In scope = in the
app's own access querysets (`firms.access.firms_for`, `financing.access.demands_for` / `routes_for` /
`answerable_routes` / `products_for`, `firstloans.access.service_area`), narrowed where the page also asks a
`may_*` rule (edit a product, withdraw a demand, revoke an authorisation), so that an answer for an id outside
counts as a leak."""

import datetime

from django.db.models import Q
from django.urls import reverse

from puhui.core.models import Organisation
from puhui.financing import access as financing_access
from puhui.financing.models import Demand, Product, Route
from puhui.firms import access as firms_access
from puhui.firms import catalogue as firms_catalogue
from puhui.firms.models import Authorisation, DepartmentUpload, FirmScorecard
from puhui.firstloans import access as firstloans_access
from puhui.firstloans.models import ListedFirm
from puhui.registry.models import Firm


def _only_if(may, fn):
    """`fn(user)` for a user the `may` rule lets act, else nothing: the page answers 404 to the others."""
    return lambda user: fn(user) if may(user) else fn(user).none()


def _listed_firms():
    return Firm.objects.filter(pk__in=ListedFirm.objects.values("firm_id"))


def firstloans_record_scope(user):
    """`firstloans.access.access_firm_for_record` as a queryset: a listed firm in the bank's service area."""
    bank = firstloans_access.bank_of(user)
    if bank is None:
        return Firm.objects.none()
    return _listed_firms().filter(town_id__in=firstloans_access.service_area(bank))


def _firstloans_view_scope(user):
    """`access_firm_for_view`: any listed firm for the office, one in its area for a bank."""
    return _listed_firms() if firstloans_access.sees_all(user) else firstloans_record_scope(user)


def _revocable(user):
    """`access_authorisation_for_revoke`: the firm's own authorisations still in force."""
    if firms_access.firm_of(user) is None:
        return Authorisation.objects.none()
    return firms_access.authorisations_for(user).filter(firms_access.in_force())


def editable_products(user):
    """`access_product_for_edit`: a product the user sees whose owner is its lender or under it."""
    org = financing_access.lender_of(user)
    if org is None:
        return Product.objects.none()
    return financing_access.products_for(user).filter(owner__path__startswith=org.path)


def _withdrawable(user):
    """`may_withdraw`: an open demand the user posted, or (a firm user) one of its firm's."""
    mine = Q(posted_by_id=user.pk) if user.is_authenticated else Q(pk__in=[])
    firm = financing_access.firm_of(user)
    if firm is not None:
        mine |= Q(firm_id=firm.pk)
    return financing_access.demands_for(user).filter(mine, status__in=financing_access.WITHDRAWABLE)


def _source_codes():
    return list(firms_catalogue.sources())[:4] + ["nope"]


def smallfirm_params(IdParam, scope, ChoiceParam) -> dict:
    """URL name → {parameter: IdParam or ChoiceParam}, built with bench_security's IdParam, scope() and ChoiceParam."""
    firm = IdParam(Firm, scope(firms_access.firms_for, Firm))
    scorecard = IdParam(FirmScorecard, scope(firms_access.scorecards_for, FirmScorecard))
    listed = _listed_firms()  # out of scope: a listed firm outside the bank's area, not any firm
    record = IdParam(Firm, scope(firstloans_record_scope, Firm), base=listed)
    route = IdParam(Route, scope(financing_access.answerable_routes, Route))
    return {
        "firms:profile": {"pk": firm},
        "firms:upload_detail": {
            "pk": IdParam(DepartmentUpload, scope(firms_access.uploads_for, DepartmentUpload))
        },
        "firms:scorecard": {"pk": scorecard},
        "firms:scorecard_promote": {"pk": scorecard},
        "firms:revoke": {"pk": IdParam(Authorisation, scope(_revocable, Authorisation))},
        "firms:source_partial": {
            "code": ChoiceParam(
                _source_codes,
                lambda u, c: firms_access.is_office(u) and firms_catalogue.source(c) is not None,
            )
        },
        "firms:template": {
            "code": ChoiceParam(
                _source_codes, lambda u, c: any(s.code == c for s in firms_access.sources_for_upload(u))
            )
        },
        "firstloans:firm": {"pk": IdParam(Firm, scope(_firstloans_view_scope, Firm), base=listed)},
        "firstloans:contact_add": {"pk": record},
        "firstloans:outcome_edit": {"pk": record},
        "financing:product_edit": {"pk": IdParam(Product, scope(editable_products, Product))},
        "financing:demand": {"pk": IdParam(Demand, scope(financing_access.demands_for, Demand))},
        "financing:demand_withdraw": {"pk": IdParam(Demand, scope(_withdrawable, Demand))},
        "financing:route_answer": {"pk": route},
        "financing:route_grant": {"pk": route},
    }


def smallfirm_api_params(IdParam, scope) -> dict:
    """`/api/v1/firms/{firm_id}` and `/api/v1/financing/demands/{demand_id}` (read, and answer) by the token's
    scope."""
    return {
        "firm_id": IdParam(Firm, scope(firms_access.firms_for, Firm)),
        "demand_id": IdParam(Demand, scope(financing_access.demands_for, Demand)),
    }


def smallfirm_api_lists(IdParam, scope) -> dict:
    return {
        "/firms/firms": IdParam(Firm, scope(firms_access.firms_for, Firm)),
        "/financing/demands": IdParam(Demand, scope(financing_access.demands_for, Demand)),
        "/financing/products": IdParam(Product, scope(financing_access.products_for, Product)),
    }


# ------------------------------------------------------------------------------------------ cross-tenant writes


def smallfirm_writes(bank, firm_user, foreign) -> list:
    """(user, label, id → URL, ids of other parties' objects, body; None = a GET): each must answer 404.
    The bank user answers and grants on another lender's route, edits another lender's product, reads a firm's
    profile without the firm's authorisation, records a contact or an outcome on a listed firm outside its
    service area; the firm user reads and withdraws another firm's demand and revokes another firm's
    authorisation."""
    today = datetime.date.today().isoformat()
    lender = financing_access.lender_of(bank)
    county_bank = firms_access.bank_of(bank)
    other_routes = (
        Route.objects.exclude(bank__path__startswith=lender.path) if lender else Route.objects.all()
    )
    granted = Authorisation.objects.filter(firms_access.in_force(), bank=county_bank).values("firm_id")
    outside_area = _listed_firms().exclude(pk__in=firstloans_record_scope(bank).values("pk"))
    answer = {"decision": "accepted", "amount": "100000", "rate": "4.35", "term": "12"}
    contact = {"contacted_on": today, "way": "visit", "result": "联系企业"}

    def url(name):
        return lambda pk: reverse(name, args=[pk])

    cases = [
        (bank, "financing:route_answer", url("financing:route_answer"), foreign(other_routes), answer),
        (bank, "financing:route_grant", url("financing:route_grant"),
         foreign(other_routes.filter(answer=Route.Answer.ACCEPTED)), {"granted_on": today, "amount": "100000"}),
        (bank, "financing:product_edit", url("financing:product_edit"),
         foreign(Product.objects.exclude(pk__in=editable_products(bank).values("pk"))), {"name": "产品"}),
        (bank, "firms:profile (no authorisation)", url("firms:profile"),
         foreign(Firm.objects.exclude(pk__in=granted)), None),
        (bank, "firstloans:contact_add", url("firstloans:contact_add"), foreign(outside_area), contact),
        (bank, "firstloans:outcome_edit", url("firstloans:outcome_edit"), foreign(outside_area),
         {"status": "granted", "decided_on": today, "amount": "100000"}),
    ]  # fmt: skip
    if firm_user is not None:
        others = Demand.objects.exclude(firm_id=firm_user.firm_id)
        cases += [
            (firm_user, "financing:demand (another firm's)", url("financing:demand"), foreign(others), None),
            (firm_user, "financing:demand_withdraw", url("financing:demand_withdraw"),
             foreign(others.filter(status__in=financing_access.WITHDRAWABLE)), {}),
            (firm_user, "firms:revoke", url("firms:revoke"),
             foreign(Authorisation.objects.filter(firms_access.in_force()).exclude(firm_id=firm_user.firm_id)), {}),
        ]  # fmt: skip
    return cases


def smallfirm_form_writes(bank, firm_user) -> list:
    """(user, label, URL, body naming the user's own object or None, bodies naming another party's): the form
    must refuse the others (400 or 404). A firm user posts a demand for another firm; a bank publishes a
    product for another lender and logs an adviser's visit to a firm not assigned to the adviser."""
    cases = []
    demand = {"amount": "500000", "term": "12", "purpose": "流动资金周转", "collateral": ["credit"]}
    if firm_user is not None:
        other = Firm.objects.exclude(pk=firm_user.firm_id).order_by("pk").first()
        cases.append((firm_user, "financing:demand_add", reverse("financing:demand_add"),
                      {**demand, "firm": firm_user.firm_id}, [{**demand, "firm": other.pk}]))  # fmt: skip
    lender = financing_access.lender_of(bank)
    if lender is not None:
        other_lender = (
            Organisation.objects.filter(kind__in=financing_access.LENDER_KINDS)
            .exclude(path__startswith=lender.path)
            .order_by("pk")
            .first()
        )
        product = {
            "name": "测试产品", "amount_min": "10000", "amount_max": "500000", "term_min": "3", "term_max": "36",
            "rate_min": "3.5", "rate_max": "6", "collateral": ["credit"], "active": "on",
        }  # fmt: skip
        if other_lender is not None:
            cases.append((bank, "financing:product_add", reverse("financing:product_add"),
                          {**product, "owner": lender.pk}, [{**product, "owner": other_lender.pk}]))  # fmt: skip
    if financing_access.bank_of(bank) is not None:
        assigned = financing_access.firms_to_visit(bank)
        own = assigned.order_by("pk").first()
        other = Firm.objects.exclude(pk__in=assigned.values("pk")).order_by("pk").first()
        visit = {"visited_on": datetime.date.today().isoformat(), "done": "走访企业"}
        cases.append((bank, "financing:visit_add", reverse("financing:visit_add"),
                      {**visit, "firm": own.pk} if own else None, [{**visit, "firm": other.pk}]))  # fmt: skip
    return cases


def smallfirm_api_writes(bank) -> list:
    """(label, API path, body): the bank's token answers a demand that was never routed to it: 404."""
    lender = financing_access.lender_of(bank)
    if lender is None:
        return []
    mine = Route.objects.filter(bank__path__startswith=lender.path).values("demand_id")
    pks = Demand.objects.exclude(pk__in=mine).exclude(posted_by_id=bank.pk).order_by("pk")
    body = {"decision": "accepted", "amount": "100000", "rate": "4.35", "term": 12}
    return [(pks, "/api/v1/financing/demands/{}/answer", body, "API answer (another lender's demand)")]
