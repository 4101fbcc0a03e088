"""DebtRank on small graphs worked by hand, and the all-firms-at-once computation against the textbook rounds
(`spread`, one scenario at a time) on random graphs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from puhui.engines.risk.contagion import contagion, impact_matrix, spread
from puhui.engines.risk.networks import build_network

# A guarantees B 60 元 and C 40 元; C guarantees B 20 元; K guarantees A 10 元.
EDGES = (["A", "A", "C", "K"], ["B", "C", "B", "A"], [60.0, 40.0, 20.0, 10.0])


def _by_name(net, values):
    return dict(zip(net.names, np.round(values, 6).tolist(), strict=True))


def test_b_defaults_without_cushion():
    # Capacities: C_A = 60 + 40 = 100, C_C = 20, C_K = 10. W_AB = 0.6, W_AC = 0.4, W_CB = 1, W_KA = 1.
    # Round 1 (B in D): h_A = 0.6, h_C = 1·1 = 1.            A, C distressed.
    # Round 2 (A, C in D): h_A = 0.6 + 0.4·1 = 1 (A no longer passes anything on: it already has);
    #                      h_K = 1·0.6 = 0.6 — K sees A's distress of round 1 only (every firm passes on once).
    # Loss = h_A·100 + h_C·20 + h_K·10 = 100 + 20 + 6 = 126 元.
    # C alone: h_A = 0.4, then h_K = 0.4·1 → 0.4·100 + 0.4·10 = 44 元. A alone: h_K = 1 → 10 元. K alone: 0.
    net = build_network(*EDGES)
    result = contagion(net)
    assert _by_name(net, result.contagion_loss) == {"A": 10.0, "C": 44.0, "K": 0.0, "B": 126.0}
    # Vulnerability of K = its distress under A (1), B (0.6) and C (0.4) alone = 2.0; A: 0.6 + 0.4 + ... under
    # B (1.0) and C (0.4) = 1.4; C: under B (1.0) = 1.0.
    assert _by_name(net, result.vulnerability) == {"A": 1.4, "C": 1.0, "K": 2.0, "B": 0.0}


def test_b_defaults_with_a_cushion_of_50():
    # C_A = 150, C_C = 70, C_K = 60. W_AB = 60/150 = 0.4, W_AC = 40/150, W_CB = 20/70, W_KA = 10/60.
    # Round 1: h_A = 0.4, h_C = 2/7.      Round 2: h_A = 0.4 + (40/150)(2/7) = 0.4 + 16/210; h_K = (1/6)·0.4.
    # Loss = h_A·150 + h_C·70 + h_K·60 = (60 + 80/7) + 20 + 4 = 95.428571… 元
    #      (A pays 60 for B and 40·2/7 for C's share, C pays 20 for B, K pays 10 × A's first distress 0.4).
    net = build_network(*EDGES)
    result = contagion(net, cushion=50.0)
    assert result.contagion_loss[net.names.index("B")] == pytest.approx(60 + 80 / 7 + 20 + 4)
    assert result.capacity.tolist() == [150.0, 70.0, 60.0, 50.0]  # names order: A, C, K, B


def test_a_circle_passes_distress_once_round():
    # X and Y guarantee each other 100 元; cushion 100: C = 200 each, W_XY = W_YX = 0.5.
    # Y defaults: round 1 h_X = 0.5; round 2 h_Y would rise but is already 1 and inactive. Loss = 0.5·200 = 100 元.
    net = build_network(["X", "Y"], ["Y", "X"], [100.0, 100.0])
    result = contagion(net, cushion=100.0)
    assert _by_name(net, result.contagion_loss) == {"X": 100.0, "Y": 100.0}


def test_the_flagged_defaults_spread_together():
    # B and C both in default: round 1 h_A = 0.6 + 0.4 = 1; round 2 h_K = 1. Loss to A and K = 100 + 10 元.
    net = build_network(*EDGES, defaulted={"B": True, "C": True})
    result = contagion(net)
    assert _by_name(net, result.current_distress) == {"A": 1.0, "C": 1.0, "K": 1.0, "B": 1.0}
    assert result.current_loss == pytest.approx(110.0)


def test_the_impact_matrix():
    net = build_network(*EDGES)
    impact, capacity = impact_matrix(net.adjacency, cushion=0.0)
    a, c, k, b = (net.names.index(x) for x in "ACKB")
    assert impact[a, b] == 0.6 and impact[a, c] == 0.4 and impact[c, b] == 1.0 and impact[k, a] == 1.0
    assert (
        impact[b].nnz == 0 and capacity[b] == 0.0
    )  # B guarantees nobody: nothing to lose, nothing to divide


graphs = st.integers(min_value=2, max_value=8).flatmap(
    lambda n: st.tuples(
        st.lists(
            st.tuples(
                st.integers(0, n - 1), st.integers(0, n - 1), st.integers(min_value=1, max_value=1_000)
            ).filter(lambda e: e[0] != e[1]),
            min_size=1,
            max_size=3 * n,
            unique_by=lambda e: (e[0], e[1]),
        ),
        st.sampled_from([0.0, 10.0, 500.0]),
    )
)


@settings(max_examples=200, deadline=None)
@given(graphs)
def test_all_firms_at_once_equals_one_scenario_at_a_time(case):
    edges, cushion = case
    net = build_network(
        [str(g) for g, _, _ in edges], [str(b) for _, b, _ in edges], [x for _, _, x in edges]
    )
    result = contagion(net, cushion)
    impact, capacity = impact_matrix(net.adjacency, cushion)
    vulnerability = np.zeros(net.size)
    for j in range(net.size):
        shock = np.zeros(net.size)
        shock[j] = 1.0
        h = spread(impact, shock)
        h[j] = 0.0
        assert result.contagion_loss[j] == pytest.approx(h @ capacity, abs=1e-9)
        vulnerability += h
    assert result.vulnerability == pytest.approx(vulnerability, abs=1e-9)
    assert (
        result.contagion_loss <= net.exposure.sum() + 1e-9
    ).all()  # never more than every guarantee called
