"""The columns of the household credit archive import (农户信用档案) and its Excel template.

What a file may contain, on the generic engine `puhui.imports.tabular`: the archive sheet (`SPEC`, one
row per household), the optional members sheet (`MEMBERS_SPEC`), the parsers only this import needs
(`IdNumber`, `Activities`), the value-only row checks and the template workbook. Checks against the
database and the writes are in `archive_import.py`.
"""

from __future__ import annotations

import io
import re
import unicodedata
from typing import Any

import openpyxl
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from puhui.core.validators import check_id_number
from puhui.credit.models import HouseholdArchive
from puhui.credit.services import EDITABLE_FIELDS
from puhui.imports.blank_forms import LAST_ROW, OPTIONAL_FILL, REQUIRED_FILL, template_xlsx
from puhui.imports.tabular import (
    INSTRUCTIONS_SHEET,
    Boolean,
    CellError,
    Choice,
    Code,
    Column,
    Date,
    DecimalNumber,
    Integer,
    Money,
    Parser,
    TableSpec,
    Text,
)
from puhui.registry.models import Household

KIND = "archives"

# The main activities an archive may name (several per household, separated by 、).
MAIN_ACTIVITIES = (
    "苹果",
    "桃",
    "樱桃",
    "其他林果",
    "蔬菜大棚",
    "粮食种植",
    "中药材",
    "畜牧养殖",
    "水产养殖",
    "农产品加工",
    "乡村旅游",
    "外出务工",
    "企业务工",
    "个体经营",
    "其他",
)
ACTIVITY_ALIASES = {
    "大棚": "蔬菜大棚",
    "蔬菜": "蔬菜大棚",
    "粮食": "粮食种植",
    "畜牧": "畜牧养殖",
    "养殖": "畜牧养殖",
    "养殖业": "畜牧养殖",
    "务工": "外出务工",
    "打工": "外出务工",
    "经商": "个体经营",
    "林果": "其他林果",
    "apple": "苹果",
    "peach": "桃",
    "cherry": "樱桃",
    "greenhouse": "蔬菜大棚",
    "grain": "粮食种植",
    "livestock": "畜牧养殖",
    "migrant_work": "外出务工",
    "business": "个体经营",
}
ACTIVITY_SEPARATORS = re.compile(r"[、,，;；/／|\s]+")
EDUCATION_ALIASES = {
    "小学": HouseholdArchive.Education.PRIMARY,
    "文盲": HouseholdArchive.Education.PRIMARY,
    "中专": HouseholdArchive.Education.VOCATIONAL,
    "职高": HouseholdArchive.Education.VOCATIONAL,
    "技校": HouseholdArchive.Education.VOCATIONAL,
    "大专": HouseholdArchive.Education.COLLEGE,
    "本科": HouseholdArchive.Education.COLLEGE,
    "研究生": HouseholdArchive.Education.COLLEGE,
}
HOUSING_ALIASES = {
    "楼房": HouseholdArchive.Housing.BRICK,
    "砖混房": HouseholdArchive.Housing.BRICK,
    "自有楼房": HouseholdArchive.Housing.BRICK,
    "自有住房": HouseholdArchive.Housing.OTHER,
    "其他": HouseholdArchive.Housing.OTHER,
    "租住": HouseholdArchive.Housing.RENTED,
    "借住": HouseholdArchive.Housing.RENTED,
    "租房": HouseholdArchive.Housing.RENTED,
}


class IdNumber(Text):
    """A resident ID number (18 characters, check digit verified); kept as text in the template.

    The one rule is `core.validators.check_id_number`; this column only normalises the cell and reports in
    the import's terms.
    """

    label = "身份证号"
    number_format = "@"

    def __call__(self, value: Any) -> str:
        text = unicodedata.normalize("NFKC", re.sub(r"\s", "", self._text(value))).upper()
        try:
            return check_id_number(text)
        except ValidationError as e:
            raise CellError(e.messages[0]) from None

    def describe(self) -> str:
        return "18位居民身份证号（校验位须正确）"


class Activities(Parser):
    """One or more of MAIN_ACTIVITIES, separated by 、 , ； or spaces; stored joined by 、."""

    label = "主要经营项目"

    def __init__(self, max_length: int):
        self.max_length = max_length
        self.one = Choice([(a, a) for a in MAIN_ACTIVITIES], aliases=ACTIVITY_ALIASES)

    def __call__(self, value: Any) -> str:
        text = Text()._text(value)
        items: list[str] = []
        for part in ACTIVITY_SEPARATORS.split(text):
            if not part:
                continue
            try:
                item = self.one(part)
            except CellError:
                raise CellError(f"“{part}”不是可选的经营项目，应为：{'、'.join(MAIN_ACTIVITIES)}") from None
            if item not in items:
                items.append(item)
        if not items:
            raise CellError("没有填写经营项目")
        joined = "、".join(items)
        if len(joined) > self.max_length:
            raise CellError(f"长度不能超过 {self.max_length} 个字符")
        return joined

    def describe(self) -> str:
        return f"可选（可填多项，用“、”分隔）：{'、'.join(MAIN_ACTIVITIES)}"


def _field(name: str):
    return HouseholdArchive._meta.get_field(name)


def _label(name: str) -> str:
    return str(_field(name).verbose_name)


def _text(name: str, example: str = "", help: str = "", aliases: tuple[str, ...] = ()) -> Column:
    return Column(
        name,
        _label(name),
        Text(_field(name).max_length or 2000),
        default="",
        example=example,
        help=help,
        aliases=aliases,
    )


def _count(name: str, max_value: int, example: str, aliases: tuple[str, ...] = ()) -> Column:
    return Column(name, _label(name), Integer(0, max_value), example=example, aliases=aliases)


def _area(name: str, example: str, aliases: tuple[str, ...] = ()) -> Column:
    return Column(
        name,
        _label(name),
        DecimalNumber(2, 8, min_value=0, max_value=100_000),
        example=example,
        aliases=aliases,
        help="单位：亩，最多2位小数",
    )


def _money(name: str, example: str, min_value=0, aliases: tuple[str, ...] = ()) -> Column:
    return Column(
        name, _label(name), Money(min_value=min_value, max_digits=14), example=example, aliases=aliases
    )


def _flag(name: str, example: str = "否", aliases: tuple[str, ...] = ()) -> Column:
    return Column(name, _label(name), Boolean(), example=example, aliases=(f"是否{_label(name)}", *aliases))


# ---------------------------------------------------------------- row checks (values only)


def _npl_consistent(v):
    if v.get("current_npl") and v.get("current_overdue") is False:
        yield "current_overdue", "当前有不良贷款的，“当前有逾期贷款”应为“是”"
    if v.get("npl_since") and v.get("current_npl") is False:
        yield "npl_since", "当前没有不良贷款，不应填写不良贷款形成日期"
    if v.get("npl_since") and v["npl_since"] > timezone.localdate():
        yield "npl_since", "不良贷款形成日期不能晚于今天"


def _lenders_consistent(v):
    if v.get("lender_count") == 0 and (v.get("current_overdue") or v.get("current_npl")):
        yield "lender_count", "有逾期或不良贷款的，有贷款的机构数不能为0"


def _land_total(v):
    contracted, transferred = v.get("land_contracted_mu"), v.get("land_transferred_in_mu")
    # The model keeps 8 digits: the two areas are stored separately, each within 100,000 亩.
    if contracted is not None and transferred is not None and contracted + transferred > 100_000:
        yield "land_transferred_in_mu", "承包地与流转入面积合计超过 100,000 亩，请核对单位是否为亩"


SPEC = TableSpec(
    name=KIND,
    title="农户信用档案",
    columns=(
        Column(
            "household_code",
            "户编号",
            Code(Household._meta.get_field("code").max_length),
            aliases=("农户编号", "户号"),
            help="农户登记中的户编号；与“户主身份证号”至少填写一项，两项都填时须为同一户",
            example="370323102201001",
        ),
        Column(
            "head_id_number",
            "户主身份证号",
            IdNumber(),
            aliases=("身份证号", "户主身份证号码"),
            help="农户登记中户主的18位身份证号；与“户编号”至少填写一项",
            example="370323199001011234",
        ),
        Column(
            "head_name",
            "户主姓名",
            Text(40),
            default="",
            aliases=("户主",),
            help="选填；填写时须与农户登记中的户主姓名一致，用于核对",
            example="张三",
        ),
        Column(
            "head_education",
            _label("head_education"),
            Choice(HouseholdArchive.Education.choices, aliases=EDUCATION_ALIASES),
            default="",
            aliases=("文化程度",),
            example="初中",
        ),
        _count("labour_count", 50, "2", aliases=("劳动力人数",)),
        _count("residence_years", 120, "30", aliases=("居住年限",)),
        Column(
            "housing",
            _label("housing"),
            Choice(HouseholdArchive.Housing.choices, aliases=HOUSING_ALIASES),
            default="",
            example="自有楼房或砖混房",
        ),
        _area("land_contracted_mu", "6.5", aliases=("承包地面积", "承包地（亩）")),
        _area("land_transferred_in_mu", "0", aliases=("流转入面积", "流转土地面积")),
        Column(
            "main_activities",
            _label("main_activities"),
            Activities(_field("main_activities").max_length),
            default="",
            aliases=("主要经营", "经营项目"),
            example="苹果、畜牧养殖",
        ),
        _count("operating_years", 80, "12", aliases=("经营年限",)),
        _flag("new_agri_entity", aliases=("家庭农场或合作社",)),
        _money("total_assets", "300000", aliases=("家庭总资产", "总资产")),
        _money("total_liabilities", "20000", aliases=("家庭总负债", "总负债")),
        _money("annual_net_income", "80000", min_value=None, aliases=("家庭年纯收入", "年纯收入")),
        _money("operating_income", "120000", aliases=("年经营收入", "经营收入")),
        _flag("has_agri_insurance", "是", aliases=("农业保险",)),
        _text("insurance", "苹果政策性保险、新农合"),
        _text("accounts", "农商行社保卡", aliases=("银行账户",)),
        _text("existing_loans", "农商行 3万元 2022年到期", aliases=("现有贷款",)),
        _count("lender_count", 50, "1", aliases=("贷款机构数",)),
        _count("overdue_count_3y", 1000, "0", aliases=("逾期次数",)),
        _count("repaid_loans_count", 1000, "2", aliases=("结清贷款笔数",)),
        _flag("current_overdue", aliases=("当前逾期",)),
        _flag("current_npl", aliases=("当前不良",)),
        Column("npl_since", _label("npl_since"), Date(), help="仅当前有不良贷款的填写", example=""),
        _money("guarantee_outstanding", "0", aliases=("对外担保余额",)),
        _flag("utility_arrears"),
        _flag("litigation_pending"),
        _flag("enforcement_pending"),
        _flag("enforcement_closed"),
        _flag("debt_evasion_record"),
        _text(
            "village_assessment",
            "经营稳定，邻里评价好",
            help="只供工作人员参考，不参与评分",
            aliases=("村委会评议",),
        ),
    ),
    row_checks=(_npl_consistent, _lenders_consistent, _land_total),
    notes=(
        "每行一户。用“户编号”或“户主身份证号”确定农户（至少填一项）；农户须已在农户登记中，且在您负责的范围内"
        "（村级代办员：本人负责的村；镇（街道）：本镇（街道）；领导小组办公室：全县）。同一户在文件中只能出现一次。",
        "空白单元格表示“未填写”，不按0或“否”处理：必填项未填写的档案完整度不足100%，保存为“采集中”；"
        "必填项齐全的保存为“待核实”。导入不会核实档案，核实仍由银行、镇（街道）或办公室逐户进行。",
        "“新增或更新”方式下，已核实的档案如有任何改动，会退回“待核实”，需重新核实；内容相同的行不作修改。",
        "主要经营项目可填多项，用“、”分隔。",
    ),
)
ARCHIVE_COLUMNS = [c.key for c in SPEC.columns if c.key in EDITABLE_FIELDS]

# Optional second sheet: the members of households in the archive sheet (their list is replaced).
MEMBERS_SHEET = "家庭成员"
MEMBERS_SPEC = TableSpec(
    name="archive_members",
    title="家庭成员",
    columns=(
        Column(
            "household_code",
            "户编号",
            Code(Household._meta.get_field("code").max_length),
            aliases=("农户编号", "户号"),
            help="该成员所在农户的户编号；与“户主身份证号”至少填写一项",
            example="370323102201001",
        ),
        Column(
            "head_id_number",
            "户主身份证号",
            IdNumber(),
            help="该成员所在农户户主的身份证号；与“户编号”至少填写一项",
            example="",
        ),
        Column("name", "姓名", Text(40), required=True, example="李四"),
        Column(
            "relation",
            "与户主关系",
            Text(20),
            required=True,
            help="如 户主、配偶、子女、父母",
            example="配偶",
        ),
        Column("id_number", "身份证号", IdNumber(), default="", aliases=("成员身份证号",), example=""),
        Column("age", "年龄", Integer(0, 120), example="45"),
        Column("is_labour", "劳动力", Boolean(), default=False, aliases=("是否劳动力",), example="是"),
    ),
    unique=(("id_number",),),
)
MEMBER_NOTES = (
    f"可选：在“{MEMBERS_SHEET}”工作表中每行填写一名家庭成员（含户主）。该表中出现的农户，其家庭成员名单按该表"
    "整体替换；没有出现的农户，家庭成员保持不变。成员所在农户须在“农户信用档案”工作表中。",
)


def template_workbook() -> bytes:
    """The Excel template: the archive sheet and instructions of the shared engine, plus the members sheet."""
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(SPEC)))
    ws = wb.create_sheet(MEMBERS_SHEET, 1)
    for index, col in enumerate(MEMBERS_SPEC.columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index, value=col.header)
        cell.font = Font(bold=True, color="C00000" if col.required else "1F3864")
        cell.fill = REQUIRED_FILL if col.required else OPTIONAL_FILL
        tip = f"{'必填' if col.required else '选填'}：{col.parser.describe()}" + (
            f"\n{col.help}" if col.help else ""
        )
        cell.comment = Comment(tip, "普惠平台", width=260, height=120)
        ws.column_dimensions[letter].width = max(12, 2 * len(col.header) + 4)
        if col.parser.number_format:
            ws.column_dimensions[letter].number_format = col.parser.number_format
        if col.parser.choices:
            dv = DataValidation(
                type="list",
                formula1=f'"{",".join(col.parser.choices)}"',
                allow_blank=True,
                showErrorMessage=True,
                error=col.parser.describe(),
            )
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{LAST_ROW}")
    ws.freeze_panes = "A2"
    notes = wb[INSTRUCTIONS_SHEET]
    notes.append([])
    notes.append([f"“{MEMBERS_SHEET}”工作表（可选）"])
    for line in MEMBER_NOTES:
        notes.append([line])
    notes.append(["列名", "是否必填", "填写要求", "说明", "示例", "也可用的列名"])
    for col in MEMBERS_SPEC.columns:
        notes.append(
            [
                col.header,
                "必填" if col.required else "选填",
                col.parser.describe(),
                col.help,
                col.example,
                "、".join((*col.aliases, col.key)),
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
