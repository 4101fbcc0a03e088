"""Contagion in the guarantee graph: DebtRank (Battiston, Puliga, Kaushik, Tasca & Caldarelli, "DebtRank: Too
Central to Fail? Financial Networks, the FED and Systemic Risk", Scientific Reports 2, 541, 2012).

Impact matrix. When borrower j defaults, each guarantor i of j is called for what it guaranteed, g_ij (元). A
guarantor's capacity to bear calls is C_i = e_i + κ: e_i = Σ_j g_ij, everything it guarantees, plus a cushion κ
(元, the `cushion` parameter, default 0) standing for own funds the platform does not see. The impact of j's
distress on i is

    W_ij = g_ij / C_i            (0 when C_i = 0; Σ_j W_ij ≤ 1, so distress never exceeds 1 without clipping)

DebtRank. Each firm has a distress h_i ∈ [0, 1] (1 = defaulted) and a state: undistressed, distressed (D) or
inactive (I). The shocked firms start at h = 1 in D, the others at 0. Each round

    h_i(t) = min(1, h_i(t−1) + Σ_{j: s_j(t−1) = D} W_ij h_j(t−1))
    s_i(t) = I if s_i(t−1) = D;  D if h_i(t) > 0 and s_i(t−1) is undistressed;  s_i(t−1) otherwise

until no firm is in D: every firm passes its distress on once, so a circle cannot feed itself forever. The loss
in 元 is Σ_i h_i(T) C_i over the firms not shocked: since h_i C_i = Σ_j g_ij h_j, it reads as the guarantees called,
a borrower in distress h being taken to default on the share h of its guaranteed debt. With κ = 0 a guarantor all
of whose borrowers default is itself fully distressed (h = 1); κ > 0 lets it absorb calls up to κ 元.

Per firm j, `contagion_loss[j]` is the loss when j alone defaults. Per firm i, `vulnerability[i]` = Σ_{j≠i} h_i^(j),
its distress summed over every other firm's default alone: to first order, if each firm defaulted independently with
the same small probability p, i's expected distress is p × vulnerability[i] (a top-k vulnerable-firm ranking in
the spirit of VulnDS, Cheng et al. 2019, without firm-level default probabilities).

The single-default scenarios run together, vectorised, on the frontier of each (see `single_defaults`); `spread`
is the textbook form on a dense batch, used for the flagged defaults and as the reference in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .networks import Network

# Cells (scenario × firm of its group) of one block of single-default scenarios: 4 MB of float64, small enough
# for the processor's cache (the cells are reached in no order); bigger blocks were slower, not faster.
BLOCK_CELLS = 500_000


@dataclass(frozen=True)
class Contagion:
    capacity: np.ndarray  # C_i (元)
    contagion_loss: np.ndarray  # 元 lost by the others when the firm alone defaults
    vulnerability: np.ndarray  # Σ over other firms' single defaults of the firm's distress
    current_distress: np.ndarray  # h_i after the firms flagged as defaulted all default (1 for those)
    current_loss: float  # 元 lost by the firms not flagged, after the flagged ones default


def impact_matrix(adjacency: sparse.csr_matrix, cushion: float = 0.0) -> tuple[sparse.csr_matrix, np.ndarray]:
    """W (W[i, j] = g_ij / C_i, impact of j's distress on guarantor i) and the capacities C_i = e_i + κ."""
    capacity = np.asarray(adjacency.sum(axis=1)).ravel() + cushion
    inverse = np.divide(1.0, capacity, out=np.zeros_like(capacity), where=capacity > 0)
    return sparse.diags(inverse) @ adjacency, capacity


def spread(impact: sparse.csr_matrix, shock: np.ndarray) -> np.ndarray:
    """DebtRank's rounds on a batch of scenarios: `shock` is (n, b) — column c the initial distress of scenario c
    (1 for the firms that default) — or (n,) for one; returns the final distress, the same shape."""
    h = np.array(shock, dtype=float).reshape(len(shock), -1)
    distressed = h > 0
    inactive = np.zeros_like(distressed)
    while True:
        live = np.flatnonzero(distressed.any(axis=0))
        if live.size == 0:
            return h.reshape(np.shape(shock))
        if live.size == h.shape[1]:
            h = np.minimum(1.0, h + impact @ np.where(distressed, h, 0.0))
            inactive |= distressed
            distressed = (h > 0) & ~inactive
            continue
        # Only the scenarios still spreading are worked on: most end after a round or two.
        hl, dl, il = h[:, live], distressed[:, live], inactive[:, live]
        hl = np.minimum(1.0, hl + impact @ np.where(dl, hl, 0.0))
        il |= dl
        h[:, live], inactive[:, live] = hl, il
        distressed[:, live] = (hl > 0) & ~il


def contagion(net: Network, cushion: float = 0.0) -> Contagion:
    """DebtRank of every firm alone, the vulnerability of every firm, and the spread of the flagged defaults."""
    impact, capacity = impact_matrix(net.adjacency, cushion)
    loss, vulnerability = single_defaults(net, impact, capacity)
    current = spread(impact, net.defaulted.astype(float))
    return Contagion(
        capacity=capacity,
        contagion_loss=loss,
        vulnerability=vulnerability,
        current_distress=current,
        current_loss=float(current[~net.defaulted] @ capacity[~net.defaulted]),
    )


def single_defaults(
    net: Network, impact: sparse.csr_matrix, capacity: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every firm's default alone, all at once: (loss per shocked firm in 元, vulnerability per firm).

    Scenario s (shocked firm j) can only reach j's group, so its distress lives in m cells (m = the group's size),
    and the scenarios of a block share one flat array. Only the frontier — the cells first distressed in the last
    round, DebtRank's D state — is worked on each round, so the cost follows the reach of each default, not n²:
    a cell is touched for the first time at most once, which is the rule that every firm passes distress on once.
    """
    n = net.size
    # Firms renumbered group by group (rank r = order[r]), so that a block's scenarios and the firms they reach sit
    # close together in every array the rounds gather from.
    order = np.argsort(net.group, kind="stable")
    group = net.group[order]
    guarantors = impact[order][:, order].tocsc()  # column j: the guarantors i of j and W_ij
    sizes = np.bincount(group)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    position = np.arange(n) - starts[group]  # a firm's place inside its group
    capacity = capacity[order]  # in the new numbering
    loss, vulnerability = np.zeros(n), np.zeros(n)
    # Only a firm that someone guarantees passes distress on; the others lose nobody anything.
    shocked = np.flatnonzero(net.in_degree[order] > 0)
    width = sizes[group[shocked]]
    end = np.cumsum(width)
    first = 0
    while first < shocked.size:
        last = max(
            first + 1, int(np.searchsorted(end, end[first] - width[first] + BLOCK_CELLS, side="right"))
        )
        _block(guarantors, capacity, position, shocked[first:last], width[first:last], loss, vulnerability)
        first = last
    result_loss, result_vulnerability = np.empty(n), np.empty(n)
    result_loss[order], result_vulnerability[order] = loss, vulnerability
    return result_loss, result_vulnerability


def _block(guarantors, capacity, position, shocked, width, loss, vulnerability) -> None:
    base = np.concatenate([[0], np.cumsum(width)[:-1]])  # scenario s's cells: base[s] + position[firm]
    h = np.zeros(int(width.sum()))
    stamp = np.empty(
        h.size, dtype=np.int64
    )  # to keep one of each cell reached twice in a round, without sorting
    scenario = np.arange(shocked.size)
    firm, level = shocked, np.ones(shocked.size)
    h[base + position[shocked]] = 1.0
    seen_scenario, seen_firm = [], []
    indptr, indices, weights = guarantors.indptr, guarantors.indices, guarantors.data
    while True:
        counts = indptr[firm + 1] - indptr[firm]
        total = int(counts.sum())
        if total == 0:
            break
        # Every (frontier cell, guarantor of its firm) pair, gathered without a Python loop.
        at = np.repeat(indptr[firm] - (np.cumsum(counts) - counts), counts) + np.arange(total)
        to_scenario, to_firm = np.repeat(scenario, counts), indices[at]
        cell = np.repeat(base[scenario], counts) + position[to_firm]
        fresh = np.flatnonzero(h[cell] == 0)
        # No clipping at 1 here: Σ_j W_ij ≤ 1 and each j passes on h_j ≤ 1 once, so only a shocked firm's own
        # cell can pass 1, and it is never passed on again (it is clipped, with the rest, at the end).
        np.add.at(h, cell, weights[at] * np.repeat(level, counts))
        stamp[cell[fresh]] = fresh
        fresh = fresh[stamp[cell[fresh]] == fresh]
        scenario, firm = to_scenario[fresh], to_firm[fresh]
        level = np.minimum(1.0, h[cell[fresh]])
        seen_scenario.append(scenario)
        seen_firm.append(firm)
    if not seen_firm:
        return
    scenario, firm = np.concatenate(seen_scenario), np.concatenate(seen_firm)
    level = np.minimum(1.0, h[base[scenario] + position[firm]])
    not_own = firm != shocked[scenario]  # the shocked firm's own distress is no part of its contagion
    scenario, firm, level = scenario[not_own], firm[not_own], level[not_own]
    loss[shocked] += np.bincount(scenario, weights=level * capacity[firm], minlength=shocked.size)
    vulnerability += np.bincount(firm, weights=level, minlength=vulnerability.size)
