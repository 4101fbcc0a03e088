"""Household and firm rosters of one town as columns (numpy arrays and lists), no Django.

Generated town by town so that memory stays bounded at --scale 10; each town draws from its
own random stream, so towns are independent of each other and of the order they are built in.
"""

import datetime

import numpy as np

from puhui.demo import ids, names
from puhui.demo.county import STREAM_FIRMS, STREAM_HOUSEHOLDS, CountyPlan, Town, rng_for, towns

# Ages and ID numbers are as at the end of the plan's base year.
REF_DATE = datetime.date(2020, 12, 31)
# Sequence numbers (ID digits 15-17, parity = sex): each town owns a slice of 0-959 in proportion
# to its households, so towns never collide and are generated independently; 960-999 stay free
# for other generators (e.g. family members).
SEQ_PAIRS = 480


def seq_slices() -> list[tuple[int, int]]:
    """(first pair, number of pairs) per town; pair k gives sequence numbers 2k (female), 2k+1 (male)."""
    households = [t.households for t in towns()]
    sizes = [SEQ_PAIRS * h // sum(households) for h in households]
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    return list(zip(starts, sizes, strict=True))


FARM_ACTIVITIES = ["苹果", "桃", "樱桃", "蔬菜大棚", "畜牧养殖", "粮食种植", "中药材", "外出务工", "个体经营"]
_FARM_BASE_WEIGHTS = np.array([7, 5, 2.5, 3, 4, 8, 1.5, 6, 2], dtype=float)
OTHER_ACTIVITIES = ["企业务工", "个体经营", "外出务工", "机关事业", "退休"]
_OTHER_WEIGHTS = np.array([36, 24, 14, 12, 14], dtype=float)
# Net yuan per mu of land by activity, and a base per household (labour income).
_PER_MU = {
    "苹果": 5200,
    "桃": 4300,
    "樱桃": 7200,
    "蔬菜大棚": 11000,
    "畜牧养殖": 600,
    "粮食种植": 900,
    "中药材": 3600,
}
_BASE = {
    "苹果": 14000,
    "桃": 14000,
    "樱桃": 14000,
    "蔬菜大棚": 16000,
    "畜牧养殖": 42000,
    "粮食种植": 12000,
    "中药材": 14000,
    "外出务工": 40000,
    "个体经营": 52000,
    "企业务工": 46000,
    "机关事业": 68000,
    "退休": 34000,
}
# Household size 1-7: working-age heads and heads aged 65+ (more people living alone or as a couple).
_SIZE_P_YOUNG = np.array([0.07, 0.20, 0.27, 0.23, 0.13, 0.07, 0.03])
_SIZE_P_OLD = np.array([0.28, 0.42, 0.12, 0.09, 0.05, 0.03, 0.01])


def _categorical(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    return np.searchsorted(np.cumsum(p / p.sum()), rng.random(n), side="right").clip(0, len(p) - 1)


def _farm_weights(town: Town) -> np.ndarray:
    w = _FARM_BASE_WEIGHTS.copy()
    for factor, crop in zip((3.0, 2.0, 1.5), town.main_crops, strict=False):
        w[FARM_ACTIVITIES.index(crop)] *= factor
    if town.is_street:
        w[FARM_ACTIVITIES.index("个体经营")] *= 2.5
    return w


def _birth_dates(rng: np.random.Generator, years: np.ndarray):
    starts = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    ends = (years - 1970 + 1).astype("datetime64[Y]").astype("datetime64[D]")
    span = (ends - starts).astype(np.int64)
    return starts + (rng.random(len(years)) * span).astype(np.int64)


def _id_numbers(rng: np.random.Generator, town: Town, age: np.ndarray, male: np.ndarray) -> list[str]:
    """Valid, unique resident IDs matching age (at REF_DATE, 31 Dec: age = 2020 - birth year) and sex."""
    n = len(age)
    first_pair, pairs = seq_slices()[town.index]
    years = REF_DATE.year - age.astype(np.int64)
    dates = _birth_dates(rng, years)
    rank = np.zeros(n, dtype=np.int64)
    todo = np.arange(n)
    for _ in range(100):
        # Rank within (birth date, sex) in a random order; ranks beyond the town's slice are redrawn.
        key_date = dates.astype(np.int64)
        order = np.lexsort((rng.random(n), male, key_date))
        sorted_key = key_date[order] * 2 + male[order]
        starts = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
        group_start = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
        rank[order] = np.arange(n) - group_start
        todo = np.flatnonzero(rank >= pairs)
        if todo.size == 0:
            break
        dates[todo] = _birth_dates(rng, years[todo])
    else:  # pragma: no cover - needs a scale far beyond anything useful
        raise ValueError(f"{town.name}：同一出生日期的户主过多，无法生成唯一身份证号")
    months = dates.astype("datetime64[M]")
    month = (months.astype(np.int64) % 12) + 1
    day = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    seq = 2 * (first_pair + rank) + male.astype(np.int64)
    return ids.resident_ids(years, month, day, seq)


def household_columns(plan: CountyPlan, town: Town) -> dict:
    """All households of one town, ordered by village and sequence. Money in cents (int)."""
    rng = rng_for(plan.seed, STREAM_HOUSEHOLDS, town.index)
    villages = plan.villages_of(town.index)
    counts = np.array([v.households for v in villages], dtype=np.int64)
    n = int(counts.sum())
    village_idx = np.repeat(np.arange(len(villages)), counts)
    is_comm = np.array([v.kind == "community" for v in villages])[village_idx] if n else np.zeros(0, bool)

    age = np.clip(np.round(rng.normal(49 + 9 * town.elderly, 12.5, n)), 25, 85).astype(np.int64)
    male = rng.random(n) >= (0.09 + 0.22 * (age >= 70) + 0.04 * town.elderly)
    old = age >= 65
    size = np.where(old, _categorical(rng, _SIZE_P_OLD, n), _categorical(rng, _SIZE_P_YOUNG, n)) + 1

    # Farm share per kind of place, solved so that the town's expected share is its farm_share.
    p_comm = 0.17 if town.is_street else 0.55
    n_comm = int(is_comm.sum())
    p_vill = (town.farm_share * n - p_comm * n_comm) / max(1, n - n_comm)
    p_farm = np.where(is_comm, p_comm, np.clip(p_vill, 0.0, 0.98))
    is_farm = rng.random(n) < p_farm

    farm_act = _categorical(rng, _farm_weights(town), n)
    other_w = np.where(
        age[:, None] >= 62, _OTHER_WEIGHTS * [1, 1, 0.4, 1, 6], _OTHER_WEIGHTS * [1, 1, 1, 1, 0.05]
    )
    other_cdf = np.cumsum(other_w / other_w.sum(axis=1, keepdims=True), axis=1)
    other_act = (rng.random(n)[:, None] > other_cdf).sum(axis=1).clip(0, len(OTHER_ACTIVITIES) - 1)
    activity = np.where(is_farm, np.array(FARM_ACTIVITIES)[farm_act], np.array(OTHER_ACTIVITIES)[other_act])

    # Land in tenths of a mu: farms 3-10 mu typically, orchards a little more, streets less.
    median = np.select(
        [np.isin(activity, ["苹果", "桃", "樱桃"]), activity == "蔬菜大棚", activity == "外出务工"],
        [6.0, 3.5, 3.0],
        5.0,
    ) * (0.7 if town.is_street else 1.0)
    land = np.where(is_farm, np.clip(rng.lognormal(np.log(median), 0.4, n), 0.5, 40), 0.0)
    land_tenths = np.round(land * 10).astype(np.int64)

    per_mu = np.vectorize(_PER_MU.get, otypes=[float])(activity, 0)
    base = np.vectorize(_BASE.get, otypes=[float])(activity)
    workers = np.minimum(size, 4) - 1
    income = (base + per_mu * land + 5500 * workers) * rng.lognormal(0, 0.33, n) * (0.75 + 0.5 * (age < 60))
    income_cents = (np.round(np.clip(income, 4000, 600000) / 10) * 1000).astype(
        np.int64
    )  # whole tens of yuan

    has_phone = rng.random(n) >= (0.05 + 0.3 * (age >= 72))
    phones = ids.mobiles(rng, n)
    phone = [p if h else "" for p, h in zip(phones, has_phone.tolist(), strict=True)]

    seq_in_village = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
    codes = []
    for v, c in zip(villages, counts.tolist(), strict=True):
        width = max(4, len(str(c)))
        codes.extend(f"{v.code}{k:0{width}d}" for k in range(1, c + 1))

    return {
        "village": village_idx,
        "code": codes,
        "head_name": names.person_names(rng, male),
        "head_id_number": _id_numbers(rng, town, age, male),
        "male": male,
        "phone": phone,
        "head_age": age,
        "size": size,
        "is_farm": is_farm,
        "main_activity": activity.tolist(),
        "land_tenths": land_tenths,
        "income_cents": income_cents,
        "seq": seq_in_village + 1,
    }


def firm_columns(plan: CountyPlan, town: Town) -> dict:
    """Companies (small, micro) and individual businesses of one town. Money in cents (int)."""
    rng = rng_for(plan.seed, STREAM_FIRMS, town.index)
    villages = plan.villages_of(town.index)
    n_firm, n_ind = plan.firms[town.index], plan.individuals[town.index]
    n = n_firm + n_ind
    individual = np.r_[np.zeros(n_firm, bool), np.ones(n_ind, bool)]

    # Place: communities and the seat draw most businesses; villages get shops and farms.
    w = np.array([(6.0 if v.kind == "community" else 1.0) * (1 + v.households) for v in villages])
    village_idx = _categorical(rng, w, n) if len(villages) else np.zeros(n, np.int64)

    owners = names.person_names(rng, rng.random(n) < 0.72)
    places = [
        f"沂源县{town.name}" + (villages[i].name.removesuffix("村") if use_village else "")
        for i, use_village in zip(village_idx.tolist(), (rng.random(n) < 0.35).tolist(), strict=True)
    ]
    f_names, f_ind = names.firm_identity(
        rng, n_firm, individual=False, places=places[:n_firm], owners=owners[:n_firm]
    )
    i_names, i_ind = names.firm_identity(
        rng, n_ind, individual=True, places=places[n_firm:], owners=owners[n_firm:]
    )

    small = rng.random(n) < 0.22
    kind = np.where(individual, "individual", np.where(small, "small", "micro"))
    # Registration years: companies grow after the 2014 reform; shops are older on average.
    years = np.where(
        individual,
        np.clip(np.round(2020 - rng.gamma(2.0, 4.0, n)), 1995, 2020),
        np.clip(np.round(2020 - rng.gamma(1.6, 3.5, n)), 1998, 2020),
    ).astype(np.int64)
    starts = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    registered = (starts + (rng.random(n) * 365).astype(np.int64)).astype(datetime.date).tolist()
    registered = [min(d, REF_DATE) for d in registered]

    employees = np.select(
        [individual, small],
        [rng.integers(1, 8, n), np.clip(np.round(rng.lognormal(np.log(45), 0.6, n)), 20, 299)],
        np.clip(np.round(rng.lognormal(np.log(7), 0.55, n)), 2, 19),
    ).astype(np.int64)
    revenue = np.select(
        [individual, small],
        [
            np.clip(rng.lognormal(np.log(220_000), 0.6, n), 30_000, 1_500_000),
            np.clip(rng.lognormal(np.log(9_000_000), 0.7, n), 3_000_000, 60_000_000),
        ],
        np.clip(rng.lognormal(np.log(900_000), 0.7, n), 100_000, 3_000_000),
    )
    revenue_cents = (np.round(revenue / 100) * 10_000).astype(np.int64)  # whole hundreds of yuan

    counter = plan.firm_counter_start(town.index) + np.arange(n)
    uscc = ids.usccs("91370323", counter[:n_firm]) + ids.usccs("92370323", counter[n_firm:])
    return {
        "village": village_idx,
        "uscc": uscc,
        "name": f_names + i_names,
        "kind": kind.tolist(),
        "industry": f_ind + i_ind,
        "registered_on": registered,
        "employees": employees,
        "revenue_cents": revenue_cents,
    }
