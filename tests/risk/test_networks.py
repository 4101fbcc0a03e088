"""The guarantee network built from the banks' approved returns: what the office and each bank see."""

import pytest

from puhui.risk import access
from puhui.risk.models import NetworkGroup, NetworkGroupBank, NetworkNode, NetworkRun
from puhui.risk.selectors import networks as selectors
from puhui.risk.services.networks import network_build, networks_build_pending
from tests.risk import networks_fixtures

pytestmark = pytest.mark.django_db
network = networks_fixtures.network


def _groups(run):
    return {g.number: g for g in NetworkGroup.objects.filter(run=run)}


def test_the_network_has_the_groups_circles_and_figures_of_the_returns(network, users):
    run = network_build(actor=users["office"], period=network["period"])
    assert (run.firms, run.edges, run.groups, run.circles) == (10, 9, 3, 2)
    groups = _groups(run)
    chain, circle, mutual = groups[1], groups[2], groups[3]
    assert (chain.size, chain.chain, chain.circles) == (4, 3, 0)
    assert (circle.size, circle.circles, circle.defaulted) == (3, 1, 1)
    assert circle.npl_fen == 500_000 * 100
    assert circle.balance_fen == (500_000 + 300_000 + 400_000) * 100
    assert circle.exposure_fen == (500_000 + 300_000 + 400_000) * 100
    assert (mutual.size, mutual.mutual, mutual.circles) == (3, 1, 1)
    # B (NPL) defaulting calls A's guarantee of B in full: A is fully distressed, then C (A's guarantor)…
    b = NetworkNode.objects.get(run=run, label="沂源乙方果品有限公司")
    assert b.defaulted and b.circle == 1 and b.balance_fen == 500_000 * 100
    assert circle.current_loss_fen > 0 and circle.max_loss_fen >= circle.current_loss_fen


def test_firms_are_named_from_the_registers_or_masked(network, users):
    run = network_build(actor=users["office"], period=network["period"])
    labels = set(NetworkNode.objects.filter(run=run).values_list("label", flat=True))
    assert {"沂源甲方机械有限公司", "沂源乙方果品有限公司"} <= labels
    person = NetworkNode.objects.get(run=run, id_kind="ric")
    assert person.label.startswith("个人370323") and "*" in person.label


def test_each_bank_has_its_part_of_the_groups_it_lends_into(network, users):
    run = network_build(actor=users["office"], period=network["period"])
    circle = _groups(run)[2]
    parts = {p.institution_id: p for p in NetworkGroupBank.objects.filter(group=circle)}
    abc, rcb = parts[network["abc"].pk], parts[network["rcb"].pk]
    assert (abc.borrowers, abc.balance_fen, abc.npl_fen, abc.guaranteed_fen) == (
        1,
        50_000_000,
        50_000_000,
        50_000_000,
    )
    assert (rcb.borrowers, rcb.balance_fen, rcb.npl_fen) == (2, 70_000_000, 0)
    assert circle.banks == 2


def test_a_bank_sees_only_the_groups_of_its_borrowers_and_the_others_summed(network, users):
    run = network_build(actor=users["office"], period=network["period"])
    abc = users["abc"]
    assert sorted(access.groups_for(abc, run).values_list("number", flat=True)) == [2, 3]
    assert sorted(access.groups_for(users["rcb"], run).values_list("number", flat=True)) == [1, 2]
    page = selectors.group_page(abc, _groups(run)[2])
    assert [r.institution_id for r in page["bank_rows"]] == [network["abc"].pk]
    assert page["others"] == {"banks": 1, "balance": 70_000_000, "npl": 0, "borrowers": 2}
    assert page["nodes"] == [] and not page["drawable"]
    assert not access.nodes_for(abc, run).exists()
    for role in ("member", "town_lishan", "agent", "public"):
        assert not access.runs_for(users[role]).exists()


def test_the_graph_holds_every_link_of_the_group(network, users):
    run = network_build(actor=users["office"], period=network["period"])
    graph = selectors.group_graph(users["office"], _groups(run)[2])
    assert len(graph["nodes"]) == 3
    names = {n["id"]: n["name"] for n in graph["nodes"]}
    links = {(names[link["source"]], link["amount"]) for link in graph["links"]}
    assert ("沂源甲方机械有限公司", 500_000.0) in links and len(graph["links"]) == 3


def test_a_rebuild_replaces_the_run_and_pending_skips_an_unchanged_period(network, users):
    first = network_build(actor=users["office"], period=network["period"])
    assert networks_build_pending(actor=users["office"]) == []
    second = network_build(actor=users["office"], period=network["period"])
    assert NetworkRun.objects.get().pk == second.pk != first.pk
    assert NetworkGroup.objects.filter(run_id=first.pk).count() == 0


def test_pending_builds_a_period_whose_returns_changed(network, users):
    network_build(actor=users["office"], period=network["period"])
    sub = network["guarantees"][network["rcb"]]
    sub.status = "returned"
    sub.save(update_fields=["status"])
    (run,) = networks_build_pending(actor=users["office"])
    assert (run.firms, run.edges) == (5, 4)  # ABC's returns only: A→B, D⇄E, P→D


def test_no_approved_guarantees_means_no_network(county, users):
    from puhui.data import services

    assert network_build(actor=users["office"], period=services.period_get("2020Q1")) is None
