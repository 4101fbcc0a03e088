"""Guarantee networks (担保网络) of the county's firms: groups, circles, cycles, chains, hubs and contagion.

Pure Python on numpy/scipy (no Django, no networkx): `networks.build_network` builds the graph from guarantee edges,
`contagion.contagion` runs DebtRank for every firm, `files` reads an edges CSV and writes the results, and `cli` is
`puhui risk networks`. Method and formats: docs/risk-networks.md.
"""
