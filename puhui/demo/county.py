"""The county's divisions as pure data: towns from `data/towns.csv`, generated villages and
communities with codes, names, places on the map and how many households each one has.

No Django here: the same seed and scale always give the same plan, which the tests compare.
"""

import csv
import math
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from puhui.demo import geo, names
from puhui.demo.names import DATA

COUNTY_CODE = "370323000000"
COUNTY_NAME = "沂源县"
CITY_NAME = "淄博市"
PROVINCE_NAME = "山东省"
COUNTY_CENTRE = (118.17, 36.18)
COUNTY_AREA_KM2 = 1636.0

# Households at scale 1 come from towns.csv (175,000); firms and individual businesses here.
FIRMS_AT_SCALE_1 = 4_500
INDIVIDUALS_AT_SCALE_1 = 25_000

# Independent random streams, so that one part changing never reshuffles another.
STREAM_DIVISIONS = 1
STREAM_HOUSEHOLDS = 2
STREAM_FIRMS = 3
STREAM_NETWORK = 4
STREAM_PEOPLE = 5
STREAM_LOCAL_FINANCE = 6


def rng_for(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), *keys])


@dataclass(frozen=True)
class Town:
    index: int
    code: str  # 9 digits
    name: str
    kind: str  # "street" or "town"
    longitude: float
    latitude: float
    villages: int
    communities: int
    households: int  # at scale 1
    farm_share: float
    elderly: float  # 0 (streets) … 1 (remote mountain town): older heads, smaller households
    main_crops: tuple[str, ...]

    @property
    def division_code(self) -> str:
        return self.code + "000"

    @property
    def seat(self) -> str:
        """The seat's name as used in outlet and community names: 鲁村, 南麻, 大张庄."""
        return self.name[:-2] if self.name.endswith("街道") else self.name[:-1]

    @property
    def is_street(self) -> bool:
        return self.kind == "street"


@cache
def towns() -> tuple[Town, ...]:
    with open(DATA / "towns.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return tuple(
        Town(
            index=i,
            code=r["code"],
            name=r["name"],
            kind=r["kind"],
            longitude=float(r["longitude"]),
            latitude=float(r["latitude"]),
            villages=int(r["villages"]),
            communities=int(r["communities"]),
            households=int(r["households"]),
            farm_share=float(r["farm_share"]),
            elderly=float(r["elderly"]),
            main_crops=tuple(r["main_crops"].split("|")),
        )
        for i, r in enumerate(rows)
    )


@cache
def county_map() -> geo.CountyMap:
    return geo.build_county_map(
        centre=COUNTY_CENTRE, seats=[(t.longitude, t.latitude) for t in towns()], area_km2=COUNTY_AREA_KM2
    )


@dataclass(frozen=True)
class Village:
    code: str  # 12 digits
    name: str
    kind: str  # "village" or "community"
    town: int  # index into towns()
    longitude: float
    latitude: float
    households: int  # at the plan's scale
    is_seat: bool = False  # the town seat's community


@dataclass
class CountyPlan:
    seed: int
    scale: float
    towns: tuple[Town, ...]
    villages: list[Village]
    firms: list[int] = field(default_factory=list)  # companies per town
    individuals: list[int] = field(default_factory=list)  # individual businesses per town

    def villages_of(self, town: int) -> list[Village]:
        return [v for v in self.villages if v.town == town]

    def firm_counter_start(self, town: int) -> int:
        """Firms are numbered across the county in town order; the number makes the USCC unique."""
        return sum(self.firms[:town]) + sum(self.individuals[:town])


def _allocate(total: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Split `total` into len(weights) non-negative parts summing exactly to total."""
    if total <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    return rng.multinomial(total, weights / weights.sum())


def plan_county(seed: int = 2020, scale: float = 1.0) -> CountyPlan:
    rng = rng_for(seed, STREAM_DIVISIONS)
    cmap = county_map()
    taken: set[str] = set()
    villages: list[Village] = []
    firms, individuals = [], []
    for town in towns():
        cell = cmap.cells_km[town.index]
        seat = cmap.seats_km[town.index]
        n_comm, n_vill = town.communities, town.villages
        community_names = names.community_names(
            rng, n_comm, taken, seat=None if town.is_street else town.seat
        )
        village_names = names.village_names(rng, n_vill, taken)
        # Streets' communities are the county seat's estates, close together; a town's seat community
        # sits at the seat; villages spread over the whole cell.
        comm_xy = geo.random_points_near(cell, seat, 2.2 if town.is_street else 0.4, n_comm, rng)
        if not town.is_street and n_comm:
            comm_xy[0] = seat
        vill_xy = geo.random_points_in(cell, n_vill, rng)
        weights = np.concatenate(
            [
                rng.lognormal(math.log(3.0 if town.is_street else 2.2), 0.35, n_comm),
                rng.lognormal(0.0, 0.45, n_vill),
            ]
        )
        counts = _allocate(round(town.households * scale), weights, rng)
        lon, lat = cmap.projection.to_lonlat(
            np.concatenate([comm_xy[:, 0], vill_xy[:, 0]]), np.concatenate([comm_xy[:, 1], vill_xy[:, 1]])
        )
        for k in range(n_comm + n_vill):
            is_comm = k < n_comm
            # Communities take 001-199, villages 200 onwards, as in the statistical codes.
            number = (k + 1) if is_comm else 200 + (k - n_comm) + 1
            villages.append(
                Village(
                    code=f"{town.code}{number:03d}",
                    name=community_names[k] if is_comm else village_names[k - n_comm],
                    kind="community" if is_comm else "village",
                    town=town.index,
                    longitude=round(float(lon[k]), 6),
                    latitude=round(float(lat[k]), 6),
                    households=int(counts[k]),
                    is_seat=is_comm and k == 0 and not town.is_street,
                )
            )
    # Firms follow households, with the county seat's streets taking a larger share.
    hh = np.array([t.households for t in towns()], dtype=float)
    street = np.array([t.is_street for t in towns()])
    for target, boost, out in ((FIRMS_AT_SCALE_1, 2.6, firms), (INDIVIDUALS_AT_SCALE_1, 1.5, individuals)):
        share = hh * np.where(street, boost, 1.0)
        out.extend(_allocate(round(target * scale), share, rng).tolist())
    return CountyPlan(
        seed=seed, scale=scale, towns=towns(), villages=villages, firms=firms, individuals=individuals
    )
