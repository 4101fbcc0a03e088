"""The county-wide guarantee graph: groups, circles and the cycles inside them, mutual guarantees, chains, hubs.

An edge runs from a guarantor to the borrower it guarantees, weighted by the guaranteed amount (元). Several rows
for the same guarantor and borrower (one firm guaranteeing the same borrower's loans at two banks) are summed into
one edge. A firm guaranteeing itself is refused.

- group (担保群): a weakly connected component — firms linked by guarantees in either direction;
- circle (担保圈): a strongly connected component of two firms or more — every member is, through a run of
  guarantees, both a guarantor and a borrower of every other member;
- cycle (担保环): a simple directed cycle inside a circle, A→B→…→A, no firm twice (Johnson 1975). A dense circle
  can hold more cycles than can be listed (their number grows exponentially), so at most `cycle_cap` are listed per
  circle; `cap_hit` says that more exist;
- mutual guarantee (互保): A guarantees B and B guarantees A;
- chain (担保链): the longest run of guarantees A→B→C→… when every circle is shrunk to one point (the longest path
  of the condensation, which has no cycles), counted in links; a group's chain is the longest inside it;
- hub (核心企业): a group's firm with the most guarantee links (in + out), ties to the larger amount guaranteed.

Components come from scipy.sparse.csgraph.connected_components; everything else is numpy over the edge arrays,
except the cycles (Johnson's algorithm, plain Python, bounded by the cap).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from puhui.engines.rulefiles import RuleInputError

# At most this many cycles are listed per circle. Johnson's algorithm costs O((n + e)(c + 1)) for c cycles, so the
# cap bounds the time as well as the output; a thousand cycles already say a circle is dense.
CYCLE_CAP = 1000


class RiskInputError(RuleInputError):
    """Bad guarantee data; `problems` lists every one, in Chinese."""


@dataclass(frozen=True)
class Circle:
    number: int  # 1-based, ordered by size (largest first), then by first appearance
    members: np.ndarray  # node indices, ascending
    cycles: list[tuple[int, ...]]  # node indices, each rotated to start at its smallest index
    cap_hit: bool  # more than the cap's cycles exist; `cycles` holds the first `cap` found


@dataclass
class Network:
    """The guarantee graph and its structure. Arrays are indexed by node (0 … n−1 in `names` order)."""

    names: list[str]
    adjacency: sparse.csr_matrix  # [guarantor, borrower] = amount (元), duplicates summed
    defaulted: np.ndarray  # bool
    group: np.ndarray  # 0-based group of each node (groups ordered by size, largest first)
    circle: np.ndarray  # 0-based circle of each node, −1 outside every circle
    circles: list[Circle]
    in_degree: np.ndarray  # how many firms guarantee it
    out_degree: np.ndarray  # how many firms it guarantees
    exposure: np.ndarray  # what it guarantees in all (元)
    guaranteed: np.ndarray  # what others guarantee for it (元)
    mutual: np.ndarray  # (k, 2) pairs (a, b), a < b, that guarantee each other
    chain_depth: np.ndarray  # longest chain of guarantees (links) ending at the node, circles shrunk
    cycle_cap: int

    @property
    def size(self) -> int:
        return len(self.names)

    @property
    def group_count(self) -> int:
        return int(self.group.max()) + 1 if self.size else 0


@dataclass(frozen=True)
class GroupSummary:
    """Per group (index = group number − 1)."""

    size: np.ndarray
    edges: np.ndarray
    exposure: np.ndarray
    defaulted: np.ndarray
    circles: np.ndarray
    mutual: np.ndarray
    chain: np.ndarray
    hub: np.ndarray  # node index


# --- building -------------------------------------------------------------------------------------------------


def build_network(
    guarantors: Sequence[str],
    borrowers: Sequence[str],
    amounts: Sequence[float] | np.ndarray,
    defaulted: Mapping[str, bool] | None = None,
    *,
    cycle_cap: int = CYCLE_CAP,
) -> Network:
    """The guarantee graph of the given edges, with its groups, circles, cycles, chains and mutual pairs.

    `defaulted` names borrowers in default (others are not). RiskInputError on a self-guarantee, an amount that is
    not a positive finite number, an empty identity, or lists of different lengths."""
    if not len(guarantors) == len(borrowers) == len(amounts):
        raise RiskInputError(["担保人、借款人和担保金额的条数不一致"])
    if cycle_cap < 1:
        raise RiskInputError(["每个担保圈列出的环数上限应至少为 1"])
    # Names → 0 … n−1 in order of first appearance (pandas' hash table: a dict is five times slower here).
    codes, uniques = pd.factorize(pd.Series([*guarantors, *borrowers], dtype=object), sort=False)
    g, b = codes[: len(guarantors)].astype(np.int64), codes[len(guarantors) :].astype(np.int64)
    names = [str(x) for x in uniques]
    index = dict(zip(names, range(len(names)), strict=True))
    amount = np.asarray(amounts, dtype=float)
    problems = []
    if (codes < 0).any() or "" in index:
        problems.append("企业标识不能为空")
    if (g == b).any():
        first = int(np.flatnonzero(g == b)[0])
        problems.append(f"第 {first + 1} 条担保关系的担保人与借款人相同（{names[g[first]]}），不能为自己担保")
    if not (np.isfinite(amount) & (amount > 0)).all():
        first = int(np.flatnonzero(~(np.isfinite(amount) & (amount > 0)))[0])
        problems.append(f"第 {first + 1} 条担保关系的担保金额应为大于 0 的数（元）")
    if problems:
        raise RiskInputError(problems)
    n = len(names)
    # COO → CSR sums the duplicates: one firm guaranteeing the same borrower's loans at several banks.
    adjacency = sparse.coo_matrix((amount, (g, b)), shape=(n, n)).tocsr()
    adjacency.sum_duplicates()
    flags = np.zeros(n, dtype=bool)
    for name, flag in (defaulted or {}).items():
        if flag and name in index:
            flags[index[name]] = True
    return _structure(names, adjacency, flags, cycle_cap)


def _ranked(labels: np.ndarray, count: int) -> np.ndarray:
    """Relabel components by size (largest first), then by their first node, so numbering is deterministic."""
    sizes = np.bincount(labels, minlength=count)
    first = np.full(count, labels.size, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(labels.size))
    order = np.lexsort((first, -sizes))
    rank = np.empty(count, dtype=np.int64)
    rank[order] = np.arange(count)
    return rank[labels]


def _structure(
    names: list[str], adjacency: sparse.csr_matrix, defaulted: np.ndarray, cycle_cap: int
) -> Network:
    n = len(names)
    links = adjacency.copy()
    links.data = np.ones_like(links.data)
    count, weak = connected_components(links, directed=True, connection="weak")
    group = _ranked(weak, count)
    count, strong = connected_components(links, directed=True, connection="strong")
    sizes = np.bincount(strong, minlength=count)
    in_circle = sizes[strong] >= 2
    circle = np.full(n, -1, dtype=np.int64)
    if in_circle.any():
        kept = np.unique(strong[in_circle])
        compact = np.full(count, -1, dtype=np.int64)
        compact[kept] = np.arange(kept.size)
        circle[in_circle] = _ranked(compact[strong[in_circle]], kept.size)
    coo = adjacency.tocoo()
    rows, cols = coo.row.astype(np.int64), coo.col.astype(np.int64)
    return Network(
        names=names,
        adjacency=adjacency,
        defaulted=defaulted,
        group=group,
        circle=circle,
        circles=_circles(circle, rows, cols, cycle_cap),
        in_degree=np.bincount(cols, minlength=n),
        out_degree=np.bincount(rows, minlength=n),
        exposure=np.asarray(adjacency.sum(axis=1)).ravel(),
        guaranteed=np.asarray(adjacency.sum(axis=0)).ravel(),
        mutual=_mutual(links),
        chain_depth=_chain_depth(strong, count, rows, cols),
        cycle_cap=cycle_cap,
    )


def _mutual(links: sparse.csr_matrix) -> np.ndarray:
    both = sparse.triu(links.multiply(links.T), k=1).tocoo()
    pairs = np.column_stack([both.row, both.col]).astype(np.int64)
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))] if len(pairs) else pairs.reshape(0, 2)


def _chain_depth(strong: np.ndarray, count: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Longest path (in links) ending at each node in the condensation, by Kahn's peeling: a point leaves in the
    round after the last of its predecessors, so its round is the longest path to it. Each round is vectorised;
    there are as many rounds as the longest chain + 1."""
    between = strong[rows] != strong[cols]
    src, dst = strong[rows[between]], strong[cols[between]]  # parallel links are harmless: counted both ways
    order = np.argsort(src, kind="stable")
    dst = dst[order]
    starts = np.searchsorted(src[order], np.arange(count + 1))
    waiting = np.bincount(dst, minlength=count)
    depth = np.zeros(count, dtype=np.int64)
    frontier = np.flatnonzero(waiting == 0)
    round_number = 0
    while frontier.size:
        depth[frontier] = round_number
        counts = starts[frontier + 1] - starts[frontier]
        at = np.repeat(starts[frontier] - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
        targets = dst[at]
        np.subtract.at(waiting, targets, 1)
        frontier = np.unique(targets[waiting[targets] == 0])
        round_number += 1
    return depth[strong]


# --- circles and their cycles ---------------------------------------------------------------------------------


def _circles(circle: np.ndarray, rows: np.ndarray, cols: np.ndarray, cap: int) -> list[Circle]:
    count = int(circle.max()) + 1 if circle.size else 0
    if count == 0:
        return []
    nodes = np.argsort(circle, kind="stable")
    nodes = nodes[circle[nodes] >= 0]
    bounds = np.searchsorted(circle[nodes], np.arange(count + 1))
    inside = (circle[rows] >= 0) & (circle[rows] == circle[cols])
    e_rows, e_cols = rows[inside], cols[inside]
    order = np.argsort(circle[e_rows], kind="stable")
    e_rows, e_cols = e_rows[order], e_cols[order]
    e_bounds = np.searchsorted(circle[e_rows], np.arange(count + 1))
    result = []
    for c in range(count):
        members = nodes[bounds[c] : bounds[c + 1]]  # ascending: argsort is stable over node order
        if members.size == 2:  # the commonest circle, a mutual pair, holds exactly one cycle
            result.append(Circle(c + 1, members, [(int(members[0]), int(members[1]))], False))
            continue
        local = {int(v): k for k, v in enumerate(members)}
        succ: list[list[int]] = [[] for _ in members]
        for u, v in zip(
            e_rows[e_bounds[c] : e_bounds[c + 1]], e_cols[e_bounds[c] : e_bounds[c + 1]], strict=True
        ):
            succ[local[int(u)]].append(local[int(v)])
        found, cap_hit = simple_cycles(succ, cap)
        cycles = [tuple(int(members[k]) for k in cycle) for cycle in found]
        result.append(Circle(c + 1, members, [rotated(cycle) for cycle in cycles], cap_hit))
    return result


def rotated(cycle: Sequence) -> tuple:
    """A cycle written from its smallest member, so that the same cycle always reads the same."""
    k = min(range(len(cycle)), key=cycle.__getitem__)
    return tuple(cycle[k:]) + tuple(cycle[:k])


def _strong_components(succ: list[list[int]], alive: set[int]) -> list[list[int]]:
    """Tarjan's strongly connected components of the subgraph on `alive`, iteratively (no recursion limit)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    components = []
    for root in alive:
        if root in index:
            continue
        work = [(root, iter(succ[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in alive:
                    continue
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(succ[w])))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    components.append(component)
    return components


def simple_cycles(succ: list[list[int]], cap: int = CYCLE_CAP) -> tuple[list[tuple[int, ...]], bool]:
    """The simple cycles of a directed graph without self-loops, given as successor lists over 0 … n−1
    (Johnson, "Finding all the elementary circuits of a directed graph", SIAM J. Comput. 4(1), 1975).

    Returns at most `cap` cycles and whether more exist (one more is sought to tell)."""
    cycles: list[tuple[int, ...]] = []
    pending = [c for c in _strong_components(succ, set(range(len(succ)))) if len(c) > 1]
    while pending:
        component = set(pending.pop())
        start = min(component)
        within = {v: [w for w in succ[v] if w in component] for v in component}
        path, blocked, closed = [start], {start}, set()
        waiting_on: dict[int, set[int]] = defaultdict(set)  # Johnson's B lists
        stack = [(start, iter(within[start]))]
        while stack:
            node, nbrs = stack[-1]
            for nxt in nbrs:
                if nxt == start:
                    cycles.append(tuple(path))
                    if len(cycles) > cap:
                        return cycles[:cap], True
                    closed.update(path)
                elif nxt not in blocked:
                    path.append(nxt)
                    stack.append((nxt, iter(within[nxt])))
                    closed.discard(nxt)
                    blocked.add(nxt)
                    break
            else:  # every successor tried
                if node in closed:
                    _unblock(node, blocked, waiting_on)
                else:
                    for w in within[node]:
                        waiting_on[w].add(node)
                stack.pop()
                path.pop()
        component.discard(start)
        pending.extend(c for c in _strong_components(succ, component) if len(c) > 1)
    return cycles, False


def _unblock(node: int, blocked: set[int], waiting_on: dict[int, set[int]]) -> None:
    todo = {node}
    while todo:
        v = todo.pop()
        if v in blocked:
            blocked.discard(v)
            todo.update(waiting_on[v])
            waiting_on[v].clear()


# --- per group ------------------------------------------------------------------------------------------------


def group_summary(net: Network) -> GroupSummary:
    count = net.group_count
    coo = net.adjacency.tocoo()
    edge_group = net.group[coo.row]
    circles = np.zeros(count, dtype=np.int64)
    for c in net.circles:
        circles[net.group[c.members[0]]] += 1
    mutual = (
        np.bincount(net.group[net.mutual[:, 0]], minlength=count) if len(net.mutual) else np.zeros(count, int)
    )
    chain = np.zeros(count, dtype=np.int64)
    np.maximum.at(chain, net.group, net.chain_depth)
    # Hub: most links, then the larger amount guaranteed, then the first node — one lexsort over all nodes.
    degree = net.in_degree + net.out_degree
    order = np.lexsort((np.arange(net.size), -net.exposure, -degree, net.group))
    starts = np.searchsorted(net.group[order], np.arange(count))
    return GroupSummary(
        size=np.bincount(net.group, minlength=count),
        edges=np.bincount(edge_group, minlength=count),
        exposure=np.bincount(edge_group, weights=coo.data, minlength=count),
        defaulted=np.bincount(net.group, weights=net.defaulted, minlength=count).astype(np.int64),
        circles=circles,
        mutual=mutual,
        chain=chain,
        hub=order[starts],
    )
