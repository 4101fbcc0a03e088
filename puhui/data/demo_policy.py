"""The demo's reporting steered for the plan's incentives (十八、十九): with these parameters, across banks and
the years 2020 and 2021, each incentive condition is met by some and missed by others (the figures, from a
build at scale 1, are in the report of issue #18). Nothing here draws from a random stream, so the rest of
the demo county stays as it was.

- A bank reports only from the quarter it opened in (the village bank opened in 2019), and its loan book
  holds no loan issued before it opened: a new bank's lending builds up.
- 各项贷款余额 as reported (存贷款情况表) is the county loan book plus loans to borrowers outside the county:
  OUTSIDE_SHARE of the book, 8% unless set (a bank winding down lending elsewhere reports a falling total).
- DEPOSIT_FACTOR scales a bank's deposits in a year: a new village bank holds a fraction of what an
  established bank does; a large depositor leaves the rural bank in 2021.
- The city banks (MEDIUM_FIRM_LENDERS) lend to medium-sized firms: their firm borrowers that are neither
  agricultural nor 个体工商户 are reported as 借款人类型“其他”, so their 涉农和小微 share is below 70%.
"""

from __future__ import annotations

import datetime

import numpy as np

OUTSIDE_SHARE_DEFAULT = 0.08
# (bank key, year) → loans outside the county as a share of the county loan book.
# ICBC's loans elsewhere are repaid in 2020 and BOC's in 2021: their reported totals fall in that year.
OUTSIDE_SHARE: dict[tuple[str, int], float] = {("ICBC", 2019): 0.40, ("BOC", 2019): 0.30, ("BOC", 2020): 0.45}
# (bank key, year) → factor on the bank's deposits that year.
DEPOSIT_FACTOR: dict[tuple[str, int], float] = {
    **{("BSVB", year): 0.15 for year in (2019, 2020, 2021)},
    ("RCB", 2021): 0.95,
}
MEDIUM_FIRM_LENDERS = frozenset({"ICBC", "BOC", "CCB"})


def demo_key(org) -> str:
    """The demo institution's key (puhui/demo/data/institutions.csv): "PICC" for PICC-YY."""
    return org.code.split("-")[0].upper()


def is_open(org, period) -> bool:
    """The bank was open by the end of the period (a bank without an opening date always was)."""
    return org.opened_on is None or org.opened_on <= period.end


def open_banks(banks: list, period) -> list:
    return [b for b in banks if is_open(b, period)]


def opened_ordinal(org) -> int:
    """The first day a loan of the bank can be issued, as an ordinal (0: no limit)."""
    return org.opened_on.toordinal() if org.opened_on else datetime.date.min.toordinal()


def reported_loans_factor(org, year: int) -> float:
    return 1.0 + OUTSIDE_SHARE.get((demo_key(org), year), OUTSIDE_SHARE_DEFAULT)


def deposit_factor(org, year: int) -> float:
    return DEPOSIT_FACTOR.get((demo_key(org), year), 1.0)


def borrower_types(kind: np.ndarray, bank: np.ndarray, agri: np.ndarray, keys: list[str]) -> np.ndarray:
    """Borrower types as reported: the MEDIUM_FIRM_LENDERS' non-agricultural small firms become “其他”."""
    lenders = [i for i, k in enumerate(keys) if k in MEDIUM_FIRM_LENDERS]
    return np.where(np.isin(bank, lenders) & (kind == "small") & ~agri, "other", kind)
