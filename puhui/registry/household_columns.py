"""The household roster file: its columns (one row per member, 户编号 repeated) and a compact reader.

A village committee keeps its roster as one row per person: 户编号, 姓名, 与户主关系, 身份证号, and the
household's own facts (village, phone, farm household or not, size, land, main activity…) on the head's row
(与户主关系 = 户主). Member rows may leave the household columns blank, or repeat them unchanged.

A county's roster runs to 600,000+ member rows, so the rows are not kept: `Roster` (the import engine's
`gatherer`) keeps each row's few values in columns (arrays, ID numbers as 64-bit integers) as it is read.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from array import array
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from puhui.core.validators import check_id_number, validate_mobile
from puhui.imports.tabular import (
    Boolean,
    CellError,
    Choice,
    Code,
    Column,
    Date,
    DecimalNumber,
    DivisionCode,
    Integer,
    Money,
    Parser,
    Row,
    TableSpec,
    Text,
    normalise_header,
)
from puhui.registry.models import HouseholdMember

Relation = HouseholdMember.Relation

RELATION_ALIASES = {
    "本人": Relation.HEAD,
    **dict.fromkeys(["妻", "妻子", "夫", "丈夫", "之妻", "之夫", "爱人"], Relation.SPOUSE),
    **dict.fromkeys(
        [
            "子",
            "女",
            "儿子",
            "女儿",
            "长子",
            "次子",
            "三子",
            "长女",
            "次女",
            "三女",
            "养子",
            "养女",
            "继子",
            "继女",
        ],
        Relation.CHILD,
    ),
    **dict.fromkeys(["儿媳", "女婿", "媳妇", "子媳"], Relation.CHILD_IN_LAW),
    **dict.fromkeys(["孙子", "孙女", "外孙", "外孙子", "外孙女", "孙"], Relation.GRANDCHILD),
    **dict.fromkeys(["父亲", "母亲", "父", "母", "公公", "婆婆", "岳父", "岳母"], Relation.PARENT),
    **dict.fromkeys(["祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶"], Relation.GRANDPARENT),
    **dict.fromkeys(["兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹"], Relation.SIBLING),
    "其它": Relation.OTHER,
}
# Relations as one byte each in the reader's columns.
RELATIONS = [code for code, _label in Relation.choices]
RELATION_BYTE = {code: i for i, code in enumerate(RELATIONS)}
HEAD_BYTE = RELATION_BYTE[Relation.HEAD]
OTHER_BYTE = RELATION_BYTE[Relation.OTHER]
LANDLINE_RE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}")


class IdNumber(Text):
    """A resident ID number; the one rule is `core.validators.check_id_number` (the county check needs the
    database and is made by the import)."""

    label = "身份证号"
    number_format = "@"

    def __call__(self, value: Any) -> str:
        if value.__class__ is str and len(value) == 18 and value.isascii():  # the usual cell, as typed
            try:
                return check_id_number(value.upper())
            except ValidationError as e:
                raise CellError(e.messages[0]) from None
        text = unicodedata.normalize("NFKC", re.sub(r"\s", "", self._text(value))).upper()
        try:
            return check_id_number(text)
        except ValidationError as e:
            raise CellError(e.messages[0]) from None

    def describe(self) -> str:
        return "18位居民身份证号（校验位须正确，须为本县户籍）"


class Phone(Text):
    """A mobile number (the one rule, `validate_mobile`) or a landline with its area code."""

    label = "联系电话"
    number_format = "@"

    def __call__(self, value: Any) -> str:
        text = unicodedata.normalize("NFKC", self._text(value)).replace(" ", "")
        if LANDLINE_RE.fullmatch(text):
            return text
        try:
            return validate_mobile(text)
        except ValidationError as e:
            raise CellError(f"{e.messages[0]}；固定电话请写区号，如 0533-3221234") from None

    def describe(self) -> str:
        return "11位手机号，或带区号的固定电话（如 0533-3221234）"


class HouseholdCode(Code):
    """户编号: the generic code rule, with the usual cell (plain ASCII, short) let through at once."""

    def __call__(self, value: Any) -> str:
        if value.__class__ is str and len(value) <= self.max_length and self.pattern.fullmatch(value):
            return value
        return super().__call__(value)


class Cached(Parser):
    """A parser whose answers are remembered: the village code, relation, 是/否 and activity columns hold a
    few hundred distinct values over 600,000 rows. Refusals are not remembered (they are rare)."""

    LIMIT = 10_000

    def __init__(self, parser: Parser):
        self.parser = parser
        self.label = parser.label
        self.choices = parser.choices
        self.number_format = parser.number_format
        self._memo: dict[tuple[type, Any], Any] = {}

    def __call__(self, value: Any) -> Any:
        key = (value.__class__, value)  # 1, 1.0 and True are equal keys otherwise
        try:
            return self._memo[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable cell
            return self.parser(value)
        result = self.parser(value)
        if len(self._memo) < self.LIMIT:
            self._memo[key] = result
        return result

    def describe(self) -> str:
        return self.parser.describe()


SPEC = TableSpec(
    name="households",
    title="农户名录",
    columns=(
        Column(
            "code",
            "户编号",
            HouseholdCode(20),
            required=True,
            aliases=("户号", "农户编号"),
            help="一户一个编号；同一户的每个成员各占一行，户编号相同",
            example="3703231022010001",
        ),
        Column(
            "village_code",
            "村（社区）代码",
            Cached(DivisionCode()),
            aliases=("村代码", "所在村代码", "村（社区）区划代码", "区划代码"),
            help="必需的列：本县的村（社区）12位统计用区划代码，须已在系统中；户主行必填，成员行可不填（填写须与户主行相同）",
            example="370323102201",
        ),
        Column("name", "姓名", Text(40), required=True, aliases=("成员姓名",), example="张三"),
        Column(
            "relation",
            "与户主关系",
            Cached(Choice(Relation.choices, aliases=RELATION_ALIASES)),
            required=True,
            aliases=("关系",),
            help="每户有且只有一行“户主”；另接受：本人、妻、夫、子、女、儿媳、孙子、父亲等",
        ),
        Column(
            "id_number",
            "身份证号",
            IdNumber(),
            required=True,
            aliases=("公民身份号码", "身份证号码", "证件号码"),
            help="出生日期和性别由身份证号得出；同一人只能属于一户",
            example="370323197505060129",
        ),
        Column("phone", "联系电话", Phone(), aliases=("手机号", "电话", "联系电话（户）"), help="户主行填写"),
        Column(
            "is_farm",
            "农户",
            Cached(Boolean()),
            default=True,
            aliases=("是否农户",),
            help="户主行填写；不填视为“是”",
        ),
        Column(
            "size",
            "家庭人口",
            Integer(min_value=1, max_value=99),
            aliases=("家庭人口数", "人口"),
            help="户主行填写；不填则按本户成员行数；不能少于成员行数",
        ),
        Column(
            "land_area_mu",
            "承包地面积（亩）",
            DecimalNumber(2, 8),
            default=Decimal("0"),
            aliases=("承包地面积", "耕地面积"),
            help="户主行填写",
        ),
        Column(
            "main_activity",
            "主要经营",
            Cached(Text(20)),
            default="",
            aliases=("主要经营项目", "主业"),
            help="户主行填写，如 苹果、蔬菜大棚、外出务工",
        ),
        Column(
            "annual_income",
            "家庭年收入（元）",
            Money(),
            default=Decimal("0"),
            aliases=("家庭年收入",),
            help="户主行填写",
        ),
        Column(
            "formed_on",
            "立户日期",
            Date(),
            aliases=("建户日期",),
            help="户主行填写；不填表示在名录建立前已有该户（按任何历史日期统计都计入）",
        ),
        Column(
            "changed_on",
            "变动日期",
            Date(),
            help="新增或更新时：本行的迁村、人口或农户身份变化自哪天起生效；不填为导入当天",
        ),
    ),
    notes=(
        "每个家庭成员一行，户编号相同的行属于同一户；户主那一行的“与户主关系”填“户主”。",
        "户级信息（村代码以外的联系电话、农户、家庭人口、承包地面积、主要经营、家庭年收入、立户日期、变动日期）"
        "填在户主行，成员行可不填；成员行如填写，须与户主行一致。",
        "新增或更新时，文件中一户的成员即该户的全部成员：系统中有、文件中没有的成员将从该户移出。",
        "同一身份证号只能出现一次；已登记在其他户的人，须先办理分户、合户，或在同一文件中一并修改原户。",
    ),
)

# The household's own columns, read from the head's row, in this order.
HOUSEHOLD_KEYS = (
    "phone",
    "is_farm",
    "size",
    "land_area_mu",
    "main_activity",
    "annual_income",
    "formed_on",
    "changed_on",
)
DEFAULTS = {key: SPEC.column(key).default for key in HOUSEHOLD_KEYS}
DEFAULT_VALUES = tuple(DEFAULTS[key] for key in HOUSEHOLD_KEYS)
PROGRESS_EVERY = 50_000
MAX_HEADER_ROWS = 100


def id_key(text: str) -> int:
    """An ID number as a 64-bit integer (17 digits × 11 + check digit, X = 10): 8 bytes instead of 67."""
    return int(text[:17]) * 11 + (10 if text[17] == "X" else int(text[17]))


def id_text(key: int) -> str:
    body, check = divmod(key, 11)
    return f"{body:017d}{'X' if check == 10 else check}"


def birth_date(text: str) -> datetime.date:
    return datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))


def sex_of(text: str) -> str:
    return HouseholdMember.Sex.MALE if int(text[16]) % 2 else HouseholdMember.Sex.FEMALE


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Roster:
    """The file in columns, filled one parsed row at a time (the engine's `gatherer`).

    Households by first appearance: `codes`, `first_row`, `head_row` (0 until the head's row is read) and
    `values` (the head row's household columns, HOUSEHOLD_KEYS order; land and income in hundredths).
    Members: `m_row`, `m_hh` (household index), `name(i)`, `m_rel` (byte), `m_id` (`id_key`, 0 if the cell
    was wrong), `m_village` (index into `villages`; -2 blank, -1 wrong). `problems`: (row, column key, value,
    reason) found while reading; `extras`: household values on member rows, checked against the head's row.
    """

    def __init__(self, progress=None):
        self.progress = progress
        self.index: dict[str, int] = {}
        self.codes: list[str] = []
        self.first_row = array("I")
        self.head_row = array("I")
        self.values: list[tuple | None] = []
        self.villages: list[str] = []
        self._village_index: dict[str, int] = {}
        self.m_row = array("I")
        self.m_hh = array("I")
        # Names as UTF-8 in one buffer with their end offsets: 9 bytes a name instead of an 80-byte str object.
        self._names = bytearray()
        self._name_end = array("Q")
        self.m_rel = bytearray()
        self.m_id = array("q")
        self.m_village = array("i")
        self.problems: list[tuple[int, str, Any, str]] = []
        self.extras: list[tuple[int, int, str, Any]] = []
        self.header_rows: list[tuple[int, list[str]]] = []
        self.rows = 0

    def __call__(self, row: Row) -> None:
        self.rows += 1
        if self.progress and self.rows % PROGRESS_EVERY == 0:
            self.progress(0, 2, f"正在读取：已读 {self.rows:,} 行")
        v = row.values
        code = v.get("code")
        if not code:
            if not row.ok and len(self.header_rows) < MAX_HEADER_ROWS:
                # Perhaps another table's header pasted in the middle: looked at once the file is read.
                self.header_rows.append((row.number, [str(c) for c in row.cells if c not in (None, "")]))
            return
        hh = self.index.get(code)
        if hh is None:
            hh = self.index[code] = len(self.codes)
            self.codes.append(code)
            self.first_row.append(row.number)
            self.head_row.append(0)
            self.values.append(None)
        relation = v.get("relation")
        # The household columns in one C-level pass (a member row usually leaves them all blank).
        values = tuple(map(v.get, HOUSEHOLD_KEYS, DEFAULT_VALUES))
        if relation == Relation.HEAD:
            if self.head_row[hh]:
                reason = f"本户已有户主（第 {self.head_row[hh]} 行），每户只能有一个户主"
                self.problems.append((row.number, "relation", "户主", reason))
            else:
                self.head_row[hh] = row.number
                self.values[hh] = self._household_values(values)
        elif values != DEFAULT_VALUES:
            for key, value, default in zip(HOUSEHOLD_KEYS, values, DEFAULT_VALUES, strict=True):
                if value != default:
                    self.extras.append((row.number, hh, key, self._compact(key, value)))
        village = v.get("village_code")
        self.m_row.append(row.number)
        self.m_hh.append(hh)
        self._names += (v.get("name") or "").encode()
        self._name_end.append(len(self._names))
        self.m_rel.append(RELATION_BYTE.get(relation, OTHER_BYTE))
        idn = v.get("id_number")
        self.m_id.append(int(idn[:17]) * 11 + (10 if idn[17] == "X" else int(idn[17])) if idn else 0)
        if village:
            self.m_village.append(self._village(village))
        else:  # -2: left blank (a member row takes the head row's); -1: refused by its parser
            self.m_village.append(-2 if "village_code" in v else -1)

    def name(self, i: int) -> str:
        return self._names[self._name_end[i - 1] if i else 0 : self._name_end[i]].decode()

    def _village(self, code: str) -> int:
        index = self._village_index.get(code)
        if index is None:
            index = self._village_index[code] = len(self.villages)
            self.villages.append(code)
        return index

    @staticmethod
    def _compact(key: str, value):
        if key in {"land_area_mu", "annual_income"}:
            return int(value * 100)
        return value

    def _household_values(self, values: tuple) -> tuple:
        return tuple(self._compact(key, value) for key, value in zip(HOUSEHOLD_KEYS, values, strict=True))


def hundredths(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def header_words() -> dict[str, set[str]]:
    """Every known header of every other register (normalised) → the registers' titles: a row or a header
    that is another register's tells the user which file it came from. The firm roster is known by its
    model's field names too, should its import not be installed."""
    from puhui.imports.tables import tables
    from puhui.registry.models import Firm

    words: dict[str, set[str]] = {}
    for table in tables().values():
        if table.name == SPEC.name:
            continue
        for col in table.spec.columns:
            for name in (col.header, *col.aliases):
                words.setdefault(normalise_header(name), set()).add(table.title)
    for field in Firm._meta.concrete_fields:
        if field.name not in {"id", "village", "town"}:
            words.setdefault(normalise_header(str(field.verbose_name)), set()).add(
                str(Firm._meta.verbose_name)
            )
    own = {normalise_header(n) for c in SPEC.columns for n in (c.header, c.key, *c.aliases)}
    return {word: titles for word, titles in words.items() if word not in own}


def foreign_table(cells) -> tuple[str, int] | None:
    """The other register most of these header cells belong to, and how many of them it has."""
    words = header_words()
    counts: dict[str, int] = {}
    for cell in cells:
        for title in words.get(normalise_header(str(cell)), ()):
            counts[title] = counts.get(title, 0) + 1
    if not counts:
        return None
    title = max(sorted(counts), key=counts.get)
    return title, counts[title]
