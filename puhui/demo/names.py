"""Generated names: people, villages and communities, firms. Word lists live in `data/`."""

import json
from functools import cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _sections(name: str) -> dict[str, list[str]]:
    out = {}
    for line in _lines(name):
        key, _, words = line.partition(":")
        out[key.strip()] = words.split()
    return out


@cache
def surnames() -> tuple[np.ndarray, np.ndarray]:
    rows = [line.split() for line in _lines("surnames.txt")]
    weights = np.array([float(w) for _, w in rows])
    return np.array([s for s, _ in rows]), weights / weights.sum()


@cache
def given_chars() -> dict[str, np.ndarray]:
    return {k: np.array(v) for k, v in _sections("given-names.txt").items()}


@cache
def reserved_names() -> frozenset[str]:
    return frozenset(_lines("reserved-names.txt"))


@cache
def village_parts() -> dict[str, list[str]]:
    return _sections("village-names.txt")


@cache
def firm_words() -> dict:
    return json.loads((DATA / "firms.json").read_text(encoding="utf-8"))


def person_names(rng: np.random.Generator, male: np.ndarray) -> list[str]:
    """Surname + one or two given-name characters by sex; never a name printed in the plan."""
    n = len(male)
    names_s, p = surnames()
    chars = given_chars()
    surname = names_s[rng.choice(len(names_s), size=n, p=p)]
    two = rng.random(n) < 0.72
    first = np.where(
        male,
        chars["male_first"][rng.integers(0, len(chars["male_first"]), n)],
        chars["female_first"][rng.integers(0, len(chars["female_first"]), n)],
    )
    second = np.where(
        male,
        chars["male_second"][rng.integers(0, len(chars["male_second"]), n)],
        chars["female_second"][rng.integers(0, len(chars["female_second"]), n)],
    )
    given = np.where(two, np.char.add(first, second), second)
    out = np.char.add(surname, given).tolist()
    reserved = reserved_names()
    for i, name in enumerate(out):
        # A doubled character ("国国") reads oddly; a reserved name belongs to a real official.
        while name in reserved or (len(name) == 3 and name[1] == name[2]):
            pool = "male_second" if male[i] else "female_second"
            name = name[0] + name[1] + str(chars[pool][rng.integers(0, len(chars[pool]))])
        out[i] = name
    return out


def village_names(rng: np.random.Generator, n: int, taken: set[str]) -> list[str]:
    """Village names such as 张家庄村, 北岭村, 石门峪村; unique against `taken` (updated)."""
    parts = village_parts()
    names_s, p = surnames()
    out: list[str] = []
    while len(out) < n:
        style = rng.random()
        if style < 0.38:
            stem = (
                str(names_s[rng.choice(len(names_s), p=p)]) + "家" + str(rng.choice(parts["family_landform"]))
            )
        elif style < 0.68:
            stem = str(rng.choice(parts["direction"])) + str(rng.choice(parts["landform"]))
        else:
            stem = str(rng.choice(parts["descriptor"])) + str(rng.choice(parts["suffix"]))
        name = stem + "村"
        if name not in taken and len(stem) >= 2:
            taken.add(name)
            out.append(name)
    return out


def community_names(rng: np.random.Generator, n: int, taken: set[str], seat: str | None) -> list[str]:
    """Community names (东风社区 …); a town's first community carries the seat's name (鲁村社区)."""
    pool = list(village_parts()["community"])
    order = rng.permutation(len(pool))
    out: list[str] = []
    if seat and n:
        out.append(seat + "社区")
        taken.add(out[0])
    for i in order:
        if len(out) >= n:
            break
        name = pool[i] + "社区"
        if name not in taken:
            taken.add(name)
            out.append(name)
    k = 1
    while len(out) < n:  # more communities than words: number new estates as the towns do
        name = f"{(seat or '城区')}第{k}社区"
        k += 1
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


def _weighted(table: dict) -> tuple[list[str], np.ndarray, list[list[str]]]:
    keys = list(table)
    weights = np.array([table[k][0] for k in keys], dtype=float)
    return keys, weights / weights.sum(), [table[k][1] for k in keys]


def firm_identity(
    rng: np.random.Generator, n: int, *, individual: bool, places: list[str], owners: list[str]
):
    """(names, industries) for n firms. Companies: 沂源县+字号+行业词+有限公司; individual
    businesses: place + owner's given name or a 字号 + shop type (鲁村镇建军超市)."""
    words = firm_words()
    keys, p, vocab = _weighted(words["individual_industries" if individual else "firm_industries"])
    ind = rng.choice(len(keys), size=n, p=p)
    t1 = np.array(words["trade_first"])[rng.integers(0, len(words["trade_first"]), n)]
    t2 = np.array(words["trade_second"])[rng.integers(0, len(words["trade_second"]), n)]
    pick = rng.random(n)
    names = []
    for i in range(n):
        vocab_i = vocab[ind[i]]
        word = vocab_i[int(pick[i] * len(vocab_i))]
        if individual:
            brand = owners[i][1:] if (pick[i] * 7) % 1 < 0.45 and len(owners[i]) == 3 else t1[i] + t2[i]
            names.append(f"{places[i]}{brand}{word}")
        else:
            suffix = "股份有限公司" if (pick[i] * 13) % 1 < 0.04 else "有限公司"
            names.append(f"沂源县{t1[i]}{t2[i]}{word}{suffix}")
    return names, [keys[k] for k in ind]
