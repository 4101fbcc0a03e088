"""The tables staff can import: the county's divisions and its organisations.

Each is a `TableSpec`: columns with their Chinese headers, accepted aliases, parsers and the checks that
need nothing but the row. Checks against the database (existing codes, parents) live in services.py.
"""

from django.core.exceptions import ValidationError

from puhui.core.models import Division, Organisation
from puhui.core.validators import validate_division_code
from puhui.imports.tabular import (
    Boolean,
    Choice,
    Code,
    Column,
    Date,
    DecimalNumber,
    DivisionCode,
    Integer,
    TableSpec,
    Text,
    Uscc,
)


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# ---------------------------------------------------------------- divisions

# The 层级 column names the kind; the level follows from it.
LEVEL_OF_KIND = {
    Division.Kind.COUNTY: Division.Level.COUNTY,
    Division.Kind.TOWN: Division.Level.TOWN,
    Division.Kind.STREET: Division.Level.TOWN,
    Division.Kind.VILLAGE: Division.Level.VILLAGE,
    Division.Kind.COMMUNITY: Division.Level.VILLAGE,
}
PARENT_LEVEL = {Division.Level.TOWN: Division.Level.COUNTY, Division.Level.VILLAGE: Division.Level.TOWN}
LEVEL_LABELS = dict(Division.Level.choices)
KIND_LABELS = dict(Division.Kind.choices)


def division_code_level(code: str) -> str | None:
    """The level a 12-digit statistical code is shaped for: county ……000000, town ………000, village otherwise."""
    if code[6:] == "000000":
        return Division.Level.COUNTY
    if code[6:9] == "000":
        return None  # a village straight under a county has no valid code
    if code[9:] == "000":
        return Division.Level.TOWN
    return Division.Level.VILLAGE


def _division_code_matches_level(v):
    code, kind = v.get("code"), v.get("kind")
    if not code or not kind:
        return
    shaped = division_code_level(code)
    level = LEVEL_OF_KIND[kind]
    if shaped is None:
        yield "code", "区划代码结构不正确：第7–9位为000时，第10–12位也应为000"
    elif shaped != level:
        yield "kind", f"区划代码 {code} 是{LEVEL_LABELS[shaped]}级代码，与层级“{KIND_LABELS[kind]}”不符"


def _division_parent_shape(v):
    code, kind, parent = v.get("code"), v.get("kind"), v.get("parent_code")
    if not code or not kind:
        return
    if LEVEL_OF_KIND[kind] == Division.Level.COUNTY:
        if parent:
            yield "parent_code", "县级区划不填写上级区划代码"
        return
    if not parent:
        yield "parent_code", "镇（街道）和村（社区）必须填写上级区划代码"
    elif parent == code:
        yield "parent_code", "上级区划不能是本区划自身"
    else:
        try:
            validate_division_code(code, parent)
        except ValidationError as e:
            yield "parent_code", e.messages[0]


def _farm_households_within_households(v):
    farm, households = v.get("farm_households"), v.get("households")
    if farm is not None and households is not None and farm > households:
        yield "farm_households", f"农户数（{farm}）不能大于户数（{households}）"


DIVISIONS = TableSpec(
    name="divisions",
    title="行政区划",
    columns=(
        Column(
            "code",
            "区划代码",
            DivisionCode(),
            required=True,
            aliases=("统计用区划代码", "代码"),
            help="12位统计用区划代码：县 ××××××000000，镇（街道）×××××××××000，村（社区）后三位不为000",
            example="370323102201",
        ),
        Column(
            "name",
            "名称",
            Text(_max_length(Division, "name")),
            required=True,
            aliases=("区划名称",),
            example="鲁村村",
        ),
        Column(
            "kind",
            "层级",
            Choice(
                [(k, KIND_LABELS[k]) for k in LEVEL_OF_KIND],
                aliases={
                    "乡": Division.Kind.TOWN,
                    "村委会": Division.Kind.VILLAGE,
                    "村民委员会": Division.Kind.VILLAGE,
                    "居委会": Division.Kind.COMMUNITY,
                    "居民委员会": Division.Kind.COMMUNITY,
                },
            ),
            required=True,
            aliases=("类型", "级别"),
            help="县、镇、街道、村或社区（乡按镇处理）",
            example="村",
        ),
        Column(
            "parent_code",
            "上级区划代码",
            DivisionCode(),
            aliases=("上级代码",),
            help="县不填；镇（街道）填县的代码，村（社区）填镇（街道）的代码。上级可以已在系统中，也可以在本文件中（前后均可）",
            example="370323102000",
        ),
        Column("population", "户籍人口", Integer(), default=0, aliases=("人口",), example="1260"),
        Column("households", "户数", Integer(), default=0, aliases=("总户数",), example="410"),
        Column("farm_households", "农户数", Integer(), default=0, help="不能大于户数", example="365"),
        Column(
            "longitude",
            "经度",
            DecimalNumber(6, 9, min_value=-180, max_value=180),
            help="十进制度数，最多6位小数",
            example="118.170512",
        ),
        Column(
            "latitude",
            "纬度",
            DecimalNumber(6, 9, min_value=-90, max_value=90),
            help="十进制度数，最多6位小数",
            example="36.184321",
        ),
    ),
    unique=(("code",),),
    row_checks=(_division_code_matches_level, _division_parent_shape, _farm_households_within_households),
    notes=(
        "每行一个区划。县、镇（街道）、村（社区）可以写在同一个文件里，顺序不限。",
        "上级区划代码必须是系统中已有的区划，或本文件中的另一行；镇（街道）的上级须为县，村（社区）的上级须为镇（街道）。",
    ),
)


# ---------------------------------------------------------------- organisations

KIND_ALIASES = {
    "人行": Organisation.Kind.PBOC,
    "人民银行支行": Organisation.Kind.PBOC,
    "政府": Organisation.Kind.GOVERNMENT,
    "政府部门单位": Organisation.Kind.GOVERNMENT,
    "农商行": Organisation.Kind.RURAL_BANK,
    "农商银行": Organisation.Kind.RURAL_BANK,
    "保险": Organisation.Kind.INSURER,
    "保险机构": Organisation.Kind.INSURER,
    "担保公司": Organisation.Kind.GUARANTEE,
    "担保机构": Organisation.Kind.GUARANTEE,
    "证券": Organisation.Kind.SECURITIES,
    "小贷公司": Organisation.Kind.MICROCREDIT,
    "租赁公司": Organisation.Kind.LEASING,
    "保理公司": Organisation.Kind.FACTORING,
    "信用互助合作社": Organisation.Kind.CREDIT_MUTUAL,
    "保险代理": Organisation.Kind.INSURANCE_AGENCY,
    "保险经纪": Organisation.Kind.INSURANCE_AGENCY,
}
LEVEL_ALIASES = {
    "总行": Organisation.Level.HEAD_OFFICE,
    "总公司": Organisation.Level.HEAD_OFFICE,
    "总部": Organisation.Level.HEAD_OFFICE,
    "县级": Organisation.Level.BRANCH,
    "县级支行": Organisation.Level.BRANCH,
    "营业网点": Organisation.Level.OUTLET,
    "分理处": Organisation.Level.OUTLET,
    "营业所": Organisation.Level.OUTLET,
}
# A child sits at its parent's level or below; nothing sits under an outlet.
LEVEL_RANK = {Organisation.Level.HEAD_OFFICE: 0, Organisation.Level.BRANCH: 1, Organisation.Level.OUTLET: 2}
ORG_LEVEL_LABELS = dict(Organisation.Level.choices)


def _organisation_dates_ordered(v):
    opened, closed = v.get("opened_on"), v.get("closed_on")
    if opened and closed and closed < opened:
        yield "closed_on", f"撤销日期（{closed:%Y-%m-%d}）早于开业日期（{opened:%Y-%m-%d}）"


def _organisation_not_own_parent(v):
    if v.get("parent_code") and v.get("parent_code") == v.get("code"):
        yield "parent_code", "上级机构不能是本机构自身"


def _flag(key: str, header: str, help: str) -> Column:
    return Column(key, header, Boolean(), default=False, aliases=(f"是否{header}",), help=help, example="否")


ORGANISATIONS = TableSpec(
    name="organisations",
    title="机构",
    columns=(
        Column(
            "code",
            "机构编码",
            Code(_max_length(Organisation, "code")),
            required=True,
            aliases=("编码", "机构代码"),
            help="本平台内的唯一编码，由字母、数字和 - _ . / 组成，如 ABC-YY-01",
            example="ABC-YY-01",
        ),
        Column(
            "name",
            "名称",
            Text(_max_length(Organisation, "name")),
            required=True,
            aliases=("机构名称", "全称"),
            example="中国农业银行沂源县鲁村分理处",
        ),
        Column(
            "short_name",
            "简称",
            Text(_max_length(Organisation, "short_name")),
            default="",
            example="农行鲁村分理处",
        ),
        Column(
            "kind",
            "类型",
            Choice(Organisation.Kind.choices, aliases=KIND_ALIASES),
            required=True,
            aliases=("机构类型",),
            example="商业银行",
        ),
        Column(
            "level",
            "层级",
            Choice(Organisation.Level.choices, aliases=LEVEL_ALIASES),
            default=Organisation.Level.BRANCH,
            aliases=("机构层级",),
            help="不填视为“县级机构”；下级机构的层级不能高于上级，网点下不能再有下级机构",
            example="网点",
        ),
        Column(
            "parent_code",
            "上级机构编码",
            Code(_max_length(Organisation, "code")),
            aliases=("上级编码",),
            help="上级机构可以已在系统中，也可以在本文件中（前后均可）；不填表示没有上级",
            example="ABC-YY",
        ),
        Column(
            "uscc",
            "统一社会信用代码",
            Uscc(),
            default="",
            aliases=("信用代码", "社会信用代码", "USCC"),
            example="91370323MA3C4DB553",
        ),
        Column(
            "division_code",
            "所在区划代码",
            DivisionCode(),
            aliases=("所在区划",),
            help="机构所在的村（社区）或镇（街道）的12位代码，须已在系统中（先导入行政区划）",
            example="370323102201",
        ),
        Column(
            "address",
            "地址",
            Text(_max_length(Organisation, "address")),
            default="",
            example="沂源县鲁村镇鲁村村",
        ),
        Column("opened_on", "开业日期", Date(), aliases=("成立日期", "设立日期"), example="2008-05-20"),
        Column("closed_on", "撤销日期", Date(), aliases=("注销日期",), help="仍在营业的不填", example=""),
        _flag("is_county_legal_person", "县域法人机构", "法人在本县的机构，如农商行、村镇银行"),
        _flag("is_new_rural_institution", "新型农村金融机构", "村镇银行、小额贷款公司等"),
        _flag("has_sannong_division", "三农金融事业部", "设有三农金融事业部的，如农业银行县支行"),
        _flag("is_leading_group_member", "领导小组成员单位", "示范区建设领导小组的成员单位"),
        Column(
            "plan_alias",
            "方案中的称谓",
            Text(_max_length(Organisation, "plan_alias")),
            default="",
            aliases=("方案称谓",),
            help="实施方案中对该单位的称呼，如“县人民银行”",
            example="县农业银行",
        ),
    ),
    unique=(("code",),),
    row_checks=(_organisation_dates_ordered, _organisation_not_own_parent),
    notes=(
        "每行一个机构（政府部门、金融机构或其网点）。总行、县级机构、网点可以写在同一个文件里，顺序不限。",
        "所在区划代码须已在系统中：请先导入行政区划，再导入机构。",
    ),
)
