"""The guarantee graph's structure against networkx, the reference: groups = weakly connected components, circles =
strongly connected components of two firms or more, cycles = simple_cycles (under the cap), chains = the longest path
of the condensation, mutual pairs = edges both ways; on a hand-made graph and on random ones."""

import itertools

import networkx as nx  # the reference (a dev dependency, pyproject.toml)
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from puhui.engines.risk.networks import build_network, group_summary, rotated, simple_cycles

# Two circles in one group (X→Y→Z→X with a chord Z→Y, and the mutual pair M↔N hanging off it), a chain
# P→Q→R→S in a second group, and a lone edge in a third.
HAND_MADE = [
    ("X", "Y"), ("Y", "Z"), ("Z", "X"), ("Z", "Y"), ("X", "M"), ("M", "N"), ("N", "M"),
    ("P", "Q"), ("Q", "R"), ("R", "S"),
    ("U", "V"),
]  # fmt: skip


def _ours(edges, cap=1000):
    net = build_network([g for g, _ in edges], [b for _, b in edges], [1.0] * len(edges), cycle_cap=cap)
    name = net.names.__getitem__
    groups = {frozenset(map(name, np.flatnonzero(net.group == k))) for k in range(net.group_count)}
    circles = {frozenset(map(name, c.members)) for c in net.circles}
    cycles = {rotated(tuple(map(name, cycle))) for c in net.circles for cycle in c.cycles}
    return net, groups, circles, cycles


def _theirs(edges, cap):
    graph = nx.DiGraph(edges)
    groups = {frozenset(c) for c in nx.weakly_connected_components(graph)}
    circles = {frozenset(c) for c in nx.strongly_connected_components(graph) if len(c) >= 2}
    # Per circle, as the engine does, and no further than one past the cap (a dense circle has millions).
    cycles = {
        rotated(tuple(cycle))
        for circle in circles
        for cycle in itertools.islice(nx.simple_cycles(graph.subgraph(circle)), cap + 1)
    }
    return graph, groups, circles, cycles


def _same_structure(edges, cap=1000):
    net, groups, circles, cycles = _ours(edges, cap)
    graph, their_groups, their_circles, their_cycles = _theirs(edges, cap)
    assert groups == their_groups
    assert circles == their_circles
    if not any(c.cap_hit for c in net.circles):
        assert cycles == their_cycles
    for cycle in (
        cycles
    ):  # under the cap or not, every cycle listed is one: distinct firms, each guaranteeing the next
        assert len(set(cycle)) == len(cycle)
        assert all(graph.has_edge(u, v) for u, v in zip(cycle, cycle[1:] + cycle[:1], strict=True))
    assert {frozenset((net.names[a], net.names[b])) for a, b in net.mutual} == {
        frozenset((u, v)) for u, v in graph.edges if graph.has_edge(v, u)
    }
    condensation = nx.condensation(graph)
    assert int(net.chain_depth.max()) == nx.dag_longest_path_length(condensation)
    return net


def test_the_hand_made_graph():
    net = _same_structure(HAND_MADE)
    _, groups, circles, cycles = _ours(HAND_MADE)
    assert circles == {frozenset("XYZ"), frozenset("MN")}
    assert cycles == {("X", "Y", "Z"), ("Y", "Z"), ("M", "N")}
    assert sorted(len(g) for g in groups) == [2, 4, 5]
    summary = group_summary(net)
    # Groups are numbered by size: the circles' group (5 firms) first, then the chain, then the lone edge.
    assert summary.size.tolist() == [5, 4, 2]
    assert summary.circles.tolist() == [2, 0, 0]
    assert summary.mutual.tolist() == [2, 0, 0]  # Y↔Z and M↔N
    assert summary.chain.tolist() == [1, 3, 1]  # {X,Y,Z} → {M,N}; P→Q→R→S; U→V
    assert net.names[summary.hub[0]] in {"X", "Y", "Z"}  # each has 3 links; X guarantees the most (2 元)


edge_lists = st.integers(min_value=2, max_value=9).flatmap(
    lambda n: st.lists(
        st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1]),
        min_size=1,
        max_size=3 * n,
        unique=True,
    )
)


@settings(max_examples=300, deadline=None)
@given(edge_lists)
def test_random_graphs_have_the_structure_networkx_finds(edges):
    _same_structure([(f"企业{g}", f"企业{b}") for g, b in edges])


def test_a_bigger_seeded_random_graph():
    # 600 firms in blocks of 12 with 2 guarantees each on average inside a block: many groups, some circles.
    rng = np.random.default_rng(16)
    block = rng.integers(0, 50, 1200) * 12
    pairs = {
        (int(b + x), int(b + y))
        for b, x, y in zip(block, *rng.integers(0, 12, (2, 1200)), strict=True)
        if x != y
    }
    net = _same_structure([(f"F{a:03d}", f"F{b:03d}") for a, b in sorted(pairs)], cap=100_000)
    assert len(net.circles) >= 10 and net.group_count >= 20 and not any(c.cap_hit for c in net.circles)


def test_the_cap_stops_a_dense_circle_and_says_so():
    complete = [(a, b) for a, b in itertools.permutations("ABCDE", 2)]
    all_cycles = {rotated(c) for c in nx.simple_cycles(nx.DiGraph(complete))}
    assert len(all_cycles) == 84  # Σ_{k=2..5} C(5,k)(k−1)!
    net, _, _, cycles = _ours(complete, cap=10)
    assert net.circles[0].cap_hit and len(cycles) == 10 and cycles <= all_cycles
    net, _, _, cycles = _ours(complete, cap=84)  # exactly as many as exist: not hit
    assert not net.circles[0].cap_hit and cycles == all_cycles


def test_simple_cycles_on_successor_lists():
    # 0→1→2→0 and 1→0: two cycles, both found, each once.
    found, hit = simple_cycles([[1], [2, 0], [0]])
    assert {rotated(c) for c in found} == {(0, 1, 2), (0, 1)} and len(found) == 2 and not hit


def test_duplicate_rows_are_summed_into_one_edge():
    net = build_network(["A", "A", "B"], ["B", "B", "C"], [100.0, 50.0, 30.0])
    assert net.adjacency.nnz == 2
    assert dict(zip(net.names, net.exposure.tolist(), strict=True)) == {"A": 150.0, "B": 30.0, "C": 0.0}
    assert net.out_degree.tolist() == [1, 1, 0] and net.in_degree.tolist() == [0, 1, 1]
