"""What a submission is checked against: this county's division codes and the area codes of its residents.

A resident ID number begins with the code of the county where it was issued. A county that was renamed
or moved between prefectures has older codes too (沂源县 is 370323 since 1989 and was 372828 before), and
a person keeps the code of the card's issue for life, so every one of them counts whatever the birth date:
`core.validators.area_codes_of` gives the current code and all those python-stdnum's table gives the
county's name in its province. A USCC carries the registering authority's code in positions 3–8. A
deployment may add codes with the setting PUHUI_DATA_EXTRA_AREA_CODES (e.g. the prefecture's own, for firms
registered by the city).
"""

from dataclasses import dataclass

from django.conf import settings

from puhui.core.models import Division
from puhui.core.validators import area_codes_of


def area_codes_for(county: Division) -> frozenset[str]:
    extra = getattr(settings, "PUHUI_DATA_EXTRA_AREA_CODES", ())
    return frozenset({*area_codes_of(county.code, county.name), *extra})


@dataclass(frozen=True)
class CountyContext:
    county_id: int
    county_name: str
    area_codes: frozenset[str]
    # 12-digit code → (town id, village id or None) for every town and village of the county
    places: dict[str, tuple[int, int | None]]
    towns: dict[int, tuple[str, str]]  # town id → (code, name)

    def town_rows(self) -> list[tuple[int, str, str]]:
        return sorted(((pk, code, name) for pk, (code, name) in self.towns.items()), key=lambda t: t[1])


def county_context() -> CountyContext:
    """Read fresh for each submission: a few hundred rows, and divisions may have been imported since."""
    county = Division.objects.filter(level=Division.Level.COUNTY).order_by("code").first()
    if county is None:
        raise LookupError("系统中还没有县级行政区划，请先导入行政区划")
    places: dict[str, tuple[int, int | None]] = {}
    towns: dict[int, tuple[str, str]] = {}
    rows = Division.objects.filter(code__startswith=county.code[:6]).values_list(
        "pk", "code", "name", "level", "parent_id"
    )
    for pk, code, name, level, parent_id in rows:
        if level == Division.Level.TOWN:
            places[code] = (pk, None)
            towns[pk] = (code, name)
        elif level == Division.Level.VILLAGE:
            places[code] = (parent_id, pk)
    return CountyContext(
        county_id=county.pk,
        county_name=county.name,
        area_codes=area_codes_for(county),
        places=places,
        towns=towns,
    )
