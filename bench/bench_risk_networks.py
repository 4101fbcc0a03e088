"""Guarantee-network figures (printed, never asserted): the pure engine against networkx on the same graph.

    .venv/bin/python bench/bench_risk_networks.py                        # 200,000 firms, 600,000 edges
    .venv/bin/python bench/bench_risk_networks.py --firms 20000 --edges 60000

The graph resembles a county's guarantee network: firms fall into groups of heavy-tailed sizes (most of 3–20 firms,
some of tens to hundreds, a few of 1,000–5,000); inside a group, each firm links to earlier ones by preferential
attachment (hubs), guarantees flow down a few tiers, some pairs guarantee each other and a small share of links
runs back up (more in small groups than in big ones), making circles; 3% of firms are in default. Each step is timed once:

ours     — build (names → indices, sparse matrix, duplicates summed), groups and circles (scipy's connected
           components), cycles (Johnson, capped), chains, and DebtRank of every firm alone plus the flagged defaults;
networkx — DiGraph from the same edges, weakly and strongly connected components, simple_cycles on the same
           circles with the same cap, condensation and its longest path. networkx has no DebtRank, so its column
           has none: our total, DebtRank included, is set against its total without it (the ratio favours networkx).
"""

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from puhui.engines.risk.contagion import contagion  # noqa: E402
from puhui.engines.risk.networks import CYCLE_CAP, build_network, group_summary  # noqa: E402

TIERS = 8


def _group_sizes(firms: int, rng: np.random.Generator) -> np.ndarray:
    """Heavy-tailed group sizes adding up to `firms`: 60% of firms in small groups, 30% in middling, 10% in big."""
    sizes = []
    for share, low, high in ((0.60, 3, 20), (0.30, 20, 300), (0.10, 1000, 5000)):
        budget = int(firms * share)
        while budget >= low:
            size = min(budget, int(np.exp(rng.uniform(np.log(low), np.log(high)))))
            sizes.append(size)
            budget -= size
    sizes[0] += firms - sum(sizes)
    return np.array(sizes)


def _oriented(a, b, tier, group_size, firms, rng, *, tree: bool) -> np.ndarray:
    """Pairs as guarantor × firms + borrower: guarantees flow from an upper tier down (within a tier, on the links
    that hold a group together, from the older firm; other links within a tier are dropped and drawn again). A few
    pairs also guarantee each other (互保: 1% of links in small groups, 0.3% in middling, 0.05% in big ones) and
    fewer run back up (0.2%, 0.05%, 0.01%), closing longer circles."""
    if not tree:
        keep = tier[a] != tier[b]
        a, b, group_size = a[keep], b[keep], group_size[keep]
    down = (tier[a] < tier[b]) | ((tier[a] == tier[b]) & (a > b))
    small, middling = group_size <= 20, group_size <= 300
    back = rng.random(a.size) < np.select([small, middling], [0.002, 0.0005], 0.0001)
    mutual = rng.random(a.size) < np.select([small, middling], [0.01, 0.003], 0.0005)
    guarantor = np.where(down ^ back, a, b)
    borrower = np.where(down ^ back, b, a)
    return np.unique(np.r_[guarantor * firms + borrower, borrower[mutual] * firms + guarantor[mutual]])


def generate(firms: int, edges: int, seed: int = 16):
    """(guarantors, borrowers, amounts, defaulted) of a synthetic county guarantee network."""
    rng = np.random.default_rng(seed)
    sizes = _group_sizes(firms, rng)
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    group = np.repeat(np.arange(sizes.size), sizes)
    local = np.arange(firms) - start[group]
    tier = rng.integers(0, TIERS, firms)
    # Each firm after a group's first links to an earlier one (so the group hangs together); further links go to
    # earlier firms chosen by preferential attachment, approximated by a power of a uniform draw (small = old = hub).
    later = np.flatnonzero(local > 0)
    a, b = later, start[group[later]] + (rng.random(later.size) ** 2 * local[later]).astype(np.int64)
    pairs = _oriented(a, b, tier, sizes[group[a]], firms, rng, tree=True)
    while pairs.size < edges:
        extra = rng.integers(0, firms, edges - pairs.size + edges // 10)
        extra = extra[local[extra] > 0]
        near = start[group[extra]] + (rng.random(extra.size) ** 3 * local[extra]).astype(np.int64)
        more = _oriented(extra, near, tier, sizes[group[extra]], firms, rng, tree=False)
        pairs = np.union1d(pairs, more)
    pairs = rng.permutation(pairs)[:edges]
    guarantor, borrower = pairs // firms, pairs % firms
    # Firm numbers are shuffled so that no group sits in one block of indices.
    shuffle = rng.permutation(firms)
    names = np.array([f"F{i:07d}" for i in range(firms)], dtype=object)
    amounts = np.round(np.exp(rng.normal(np.log(500_000), 1.0, guarantor.size)), -3) + 1000
    defaulted = rng.random(firms) < 0.03
    return (
        names[shuffle[guarantor]].tolist(),
        names[shuffle[borrower]].tolist(),
        amounts,
        {names[shuffle[i]]: True for i in np.flatnonzero(defaulted)},
    )


def _timed(times: dict, step: str, work):
    """Run `work`, recording its wall-clock and CPU seconds (the CPU figure shows what another load on the
    machine added to the wall clock: all of this runs on one core)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    times[step] = (time.perf_counter() - wall, time.process_time() - cpu)
    return result


def ours(guarantors, borrowers, amounts, defaulted) -> tuple[dict, object]:
    times = {}
    net = _timed(times, "build + groups + circles + cycles + chains",
                 lambda: build_network(guarantors, borrowers, amounts, defaulted))  # fmt: skip
    _timed(times, "group figures", lambda: group_summary(net))
    spread = _timed(times, "DebtRank (every firm alone + flagged defaults)", lambda: contagion(net))
    return times, (net, spread)


def theirs(guarantors, borrowers, amounts, cap: int) -> tuple[dict, dict]:
    import networkx as nx

    times = {}

    def build():
        graph = nx.DiGraph()
        for g, b, x in zip(guarantors, borrowers, amounts, strict=True):
            if graph.has_edge(g, b):
                graph[g][b]["amount"] += x
            else:
                graph.add_edge(g, b, amount=x)
        return graph

    graph = _timed(times, "build", build)
    groups = _timed(times, "weakly connected components", lambda: list(nx.weakly_connected_components(graph)))
    circles = _timed(times, "strongly connected components",
                     lambda: [c for c in nx.strongly_connected_components(graph) if len(c) >= 2])  # fmt: skip
    cycles = _timed(
        times,
        "simple_cycles (same circles, same cap)",
        lambda: [list(itertools.islice(nx.simple_cycles(graph.subgraph(c)), cap + 1)) for c in circles],
    )
    chain = _timed(times, "condensation + longest path",
                   lambda: nx.dag_longest_path_length(nx.condensation(graph)))  # fmt: skip
    found = {"groups": len(groups), "circles": len(circles), "cycles": sum(min(len(c), cap) for c in cycles),
             "capped": sum(len(c) > cap for c in cycles), "chain": chain}  # fmt: skip
    return times, found


def _show(title: str, times: dict) -> tuple[float, float]:
    print(f"{title:<50} {'wall':>8}   {'CPU':>8}")
    for step, (wall, cpu) in times.items():
        print(f"  {step:<48} {wall:8.2f} s {cpu:8.2f} s")
    wall, cpu = (sum(t[k] for t in times.values()) for k in (0, 1))
    print(f"  {'total':<48} {wall:8.2f} s {cpu:8.2f} s")
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=200_000)
    parser.add_argument("--edges", type=int, default=600_000)
    parser.add_argument("--no-networkx", action="store_true", help="time only the engine")
    args = parser.parse_args()
    t = time.perf_counter()
    data = generate(args.firms, args.edges)
    print(f"generated {len(data[0]):,} edges among {args.firms:,} firms in {time.perf_counter() - t:.1f} s")
    times, (net, spread) = ours(*data)
    sizes = np.bincount(net.group)
    print(
        f"groups {net.group_count:,} (largest {sizes.max():,}, median {int(np.median(sizes))}), "
        f"circles {len(net.circles):,} (largest {max((c.members.size for c in net.circles), default=0):,}), "
        f"cycles {sum(len(c.cycles) for c in net.circles):,} ({sum(c.cap_hit for c in net.circles)} circles at the "
        f"cap of {CYCLE_CAP}), mutual pairs {len(net.mutual):,}, longest chain {net.chain_depth.max()}, "
        f"flagged defaults spread {spread.current_loss:,.0f} 元"
    )
    our_total = _show("ours (numpy/scipy)", times)
    if args.no_networkx:
        return
    their_times, found = theirs(*data[:3], CYCLE_CAP)
    their_total = _show("networkx " + __import__("networkx").__version__, their_times)
    print(f"  networkx found: {found}")
    assert found["groups"] == net.group_count and found["circles"] == len(net.circles)
    assert found["chain"] == net.chain_depth.max()
    structure = [sum(t[k] for step, t in times.items() if not step.startswith("DebtRank")) for k in (0, 1)]
    print(
        f"ratio ours / networkx, the same steps (no DebtRank): {structure[0] / their_total[0]:.3f} wall, "
        f"{structure[1] / their_total[1]:.3f} CPU"
    )
    print(
        f"ratio ours with DebtRank / networkx without: {our_total[0] / their_total[0]:.3f} wall, "
        f"{our_total[1] / their_total[1]:.3f} CPU"
    )


if __name__ == "__main__":
    main()
