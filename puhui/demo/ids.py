"""Synthetic but valid identifiers, built many at a time with numpy.

Check digits follow GB 11643 (resident ID), GB 11714 (organisation code) and GB 32100 (USCC);
the tests check every generated value with python-stdnum.
"""

import numpy as np

# GB 11643: weight of position i is 2^(17-i) mod 11; check = "10X98765432"[sum mod 11].
_RIC_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
_RIC_CHECK = np.array(list("10X98765432"))
# python-stdnum knows 370323 from 1989 and the older 372828 up to 1989.
YIYUAN_AREA_NEW = "370323"
YIYUAN_AREA_OLD = "372828"
AREA_SWITCH_YEAR = 1989

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64)
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)

# Mobile prefixes of the three carriers, weighted roughly by their rural market share.
MOBILE_PREFIXES = np.array(
    # China Mobile, China Unicom, China Telecom
    [134, 135, 136, 137, 138, 139, 150, 151, 152, 157, 158, 159, 182, 183, 187, 188, 198]
    + [130, 131, 132, 155, 156, 185, 186, 166, 176]
    + [133, 153, 177, 180, 181, 189, 199]
)
_MOBILE_WEIGHTS = np.array([3] * 17 + [2] * 9 + [1.5] * 7, dtype=float)
_MOBILE_WEIGHTS /= _MOBILE_WEIGHTS.sum()


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Integer array → (n, width) array of its decimal digits, most significant first."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers) % 10


def resident_ids(year: np.ndarray, month: np.ndarray, day: np.ndarray, sequence: np.ndarray) -> list[str]:
    """18-character resident ID numbers for Yiyuan-born people; `sequence` (0-999) carries the sex
    in its parity (odd = male). The area code follows the birth year, as stdnum expects."""
    year = np.asarray(year, dtype=np.int64)
    area = np.where(year <= AREA_SWITCH_YEAR, int(YIYUAN_AREA_OLD), int(YIYUAN_AREA_NEW))
    body = np.concatenate(
        [
            _digits(area, 6),
            _digits(year, 4),
            _digits(np.asarray(month, dtype=np.int64), 2),
            _digits(np.asarray(day, dtype=np.int64), 2),
            _digits(np.asarray(sequence, dtype=np.int64), 3),
        ],
        axis=1,
    )
    check = _RIC_CHECK[(body @ _RIC_WEIGHTS) % 11]
    heads = (
        area * 10**11 + year * 10**7 + np.asarray(month) * 10**5 + np.asarray(day) * 10**3 + sequence
    ).tolist()
    return [f"{h:017d}{c}" for h, c in zip(heads, check.tolist(), strict=True)]


# A fixed bijection of the body space: distinct counters give distinct, random-looking codes.
_SCRAMBLE_MULTIPLIER = 548_503_679  # not divisible by 31, hence coprime to 31^k; ~0.618 of 31^6 spreads codes
_SCRAMBLE_OFFSET = 7_654_321
_ALPHA = np.array(list(USCC_ALPHABET))
# GB 11714 character values: digits as is, letters A=10 … Z=35.
_ORG_VALUE = np.array([int(c) if c.isdigit() else ord(c) - 55 for c in USCC_ALPHABET], dtype=np.int64)
_INDEX = {c: i for i, c in enumerate(USCC_ALPHABET)}


def _org_code_indices(counter: np.ndarray, prefix: str) -> np.ndarray:
    """(n, 9) alphabet indices of GB 11714 organisation codes: prefix + scrambled counter + check."""
    counter = np.asarray(counter, dtype=np.int64)
    body_len = 8 - len(prefix)
    modulus = 31**body_len
    values = (counter * _SCRAMBLE_MULTIPLIER + _SCRAMBLE_OFFSET) % modulus
    powers = 31 ** np.arange(body_len - 1, -1, -1, dtype=np.int64)
    body = (values[:, None] // powers) % 31
    head = np.broadcast_to(np.array([_INDEX[c] for c in prefix], dtype=np.int64), (len(counter), len(prefix)))
    idx = np.concatenate([head, body], axis=1)
    c = 11 - (_ORG_VALUE[idx] @ _ORG_WEIGHTS) % 11
    check = np.where(c == 11, 0, np.where(c == 10, _INDEX["X"], c))
    return np.concatenate([idx, check[:, None]], axis=1)


def usccs(head: str, counter, *, prefix: str = "MA") -> list[str]:
    """Unified social credit codes: 8-character head (authority, type, area code), a 9-character
    organisation code made from a counter, and the GB 32100 check character.

    Distinct counters give distinct codes, so uniqueness never depends on luck.
    """
    counter = np.atleast_1d(np.asarray(counter, dtype=np.int64))
    if counter.size == 0:
        return []
    if counter.max() >= 31 ** (8 - len(prefix)):
        raise ValueError("counter out of range for the organisation-code body")
    head_idx = np.broadcast_to(np.array([_INDEX[c] for c in head], dtype=np.int64), (len(counter), 8))
    idx = np.concatenate([head_idx, _org_code_indices(counter, prefix)], axis=1)
    check = (31 - (idx @ _USCC_WEIGHTS) % 31) % 31
    chars = _ALPHA[np.concatenate([idx, check[:, None]], axis=1)]
    return ["".join(row) for row in chars.tolist()]


def mobiles(rng: np.random.Generator, n: int) -> list[str]:
    prefix = rng.choice(MOBILE_PREFIXES, size=n, p=_MOBILE_WEIGHTS)
    rest = rng.integers(0, 100_000_000, size=n)
    return [f"{p}{r:08d}" for p, r in zip(prefix.tolist(), rest.tolist(), strict=True)]
