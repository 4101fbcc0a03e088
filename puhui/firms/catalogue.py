"""The departments' sources of firm information, declared as data in `sources.yaml`: code, name, the plan's
department (matched to `Organisation.plan_alias`), frequency and columns. One loader, one table spec per
source for the import engine, one rule for a source's periods."""

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from django.utils import timezone

from puhui.imports import tabular

CATALOGUE = Path(__file__).resolve().parent / "sources.yaml"
FREQUENCIES = {"monthly": "月度", "quarterly": "季度", "yearly": "年度"}
# The months a period may end in, per frequency: a quarter is written as its last month, a year as 12.
PERIOD_MONTHS = {
    "monthly": frozenset(range(1, 13)),
    "quarterly": frozenset({3, 6, 9, 12}),
    "yearly": frozenset({12}),
}
TYPES = {"text", "integer", "money", "choice", "boolean", "date"}


@dataclass(frozen=True)
class SourceColumn:
    key: str
    header: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    unit: str = ""

    def parser(self):
        if self.type == "integer":
            return tabular.Integer(min_value=0)
        if self.type == "money":
            return tabular.Money(min_value=0)
        if self.type == "choice":
            return tabular.Choice([(c, c) for c in self.choices])
        if self.type == "boolean":
            return tabular.Boolean()
        if self.type == "date":
            return tabular.Date()
        return tabular.Text(200)

    def stored(self, value):
        """The value as kept in JSON (money as a string of yuan, a date as ISO text)."""
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    def shown(self, value) -> str:
        if value is None or value == "":
            return "—"
        if self.type == "boolean":
            return "是" if value else "否"
        if self.type == "money":
            return f"{Decimal(value):,.2f} 元"
        if self.type == "integer":
            return f"{int(value):,} {self.unit}".strip()
        return str(value)


@dataclass(frozen=True)
class Source:
    code: str
    name: str
    department: str
    frequency: str
    columns: tuple[SourceColumn, ...]
    partial_default: bool = False

    @property
    def frequency_label(self) -> str:
        return FREQUENCIES[self.frequency]

    def spec(self) -> tabular.TableSpec:
        return tabular.TableSpec(
            name=f"firm_{self.code}",
            title=self.name,
            columns=(
                tabular.Column(
                    "uscc", "统一社会信用代码", tabular.Uscc(), required=True, aliases=("信用代码",),
                    example="91370323MA3C4DB553",
                ),
                tabular.Column("firm_name", "企业名称", tabular.Text(100), aliases=("名称",)),
                *(
                    tabular.Column(c.key, c.header, c.parser(), required=c.required)
                    for c in self.columns
                ),
            ),
            unique=(("uscc",),),
            notes=(
                f"{self.department}报送的{self.name}（{self.frequency_label}），每行一户企业，按统一社会信用代码匹配"
                "本县市场主体名录；同一来源同一期间重新上传即整体替换。",
            ),
        )  # fmt: skip

    def check_period(self, period: datetime.date) -> str:
        """'' when `period` (the first day of a month) may carry this source, else the reason in Chinese."""
        if period.month not in PERIOD_MONTHS[self.frequency]:
            if self.frequency == "quarterly":
                return f"{self.name}按季度报送，期间请写季末月份（3、6、9、12 月）。"
            return f"{self.name}按年度报送，期间请写当年 12 月。"
        today = timezone.localdate()
        if period > today.replace(day=1):
            return f"期间（{period:%Y年%m月}）还没有到，不能上传。"
        return ""

    def values_shown(self, values: dict) -> list[tuple[str, str]]:
        return [(c.header, c.shown(values.get(c.key))) for c in self.columns]


def _load(data: dict) -> dict[str, Source]:
    out = {}
    for entry in data["sources"]:
        columns = tuple(
            SourceColumn(
                key=c["key"],
                header=c["header"],
                type=c["type"],
                required=bool(c.get("required", False)),
                choices=tuple(str(x) for x in c.get("choices", ())),
                unit=c.get("unit", ""),
            )
            for c in entry["columns"]
        )
        bad = [c.type for c in columns if c.type not in TYPES]
        if entry["frequency"] not in FREQUENCIES or bad or entry["code"] in out:
            raise ValueError(f"firm source {entry['code']!r} is malformed")
        out[entry["code"]] = Source(
            code=entry["code"],
            name=entry["name"],
            department=entry["department"],
            frequency=entry["frequency"],
            columns=columns,
            partial_default=bool(entry.get("partial_default", False)),
        )
    return out


@functools.cache
def sources() -> dict[str, Source]:
    """code → Source, in the catalogue's order."""
    with CATALOGUE.open(encoding="utf-8") as fh:
        return _load(yaml.safe_load(fh))


def source(code: str) -> Source | None:
    return sources().get(code)


def sources_of(department: str) -> list[Source]:
    return [s for s in sources().values() if department and s.department == department]
