"""Household roster files for the tests: valid ID numbers of the test county (370323) and CSV text."""

import csv
import datetime
import io

from stdnum.cn import ric

HEADER = [
    "户编号",
    "村（社区）代码",
    "姓名",
    "与户主关系",
    "身份证号",
    "联系电话",
    "农户",
    "家庭人口",
    "承包地面积（亩）",
    "主要经营",
]


def make_id(n: int, born: datetime.date = datetime.date(1975, 5, 6), area: str = "370323") -> str:
    """A valid ID number: `n` picks the birth date's offset and the sequence number."""
    day = born + datetime.timedelta(days=n // 900)
    body = f"{area}{day:%Y%m%d}{n % 900 + 100:03d}"
    return body + ric.calc_check_digit(body + "0")  # the check digit of the first 17


def roster(
    households: int, *, village: str = "370323102201", start: int = 0, size: int = 3, prefix: str = "R"
) -> list[list]:
    """`households` households of `size` members each (a head, a spouse, children) in one village."""
    rows = []
    for h in range(start, start + households):
        code = f"{prefix}{h:06d}"
        for k in range(size):
            relation = ["户主", "配偶", "子女", "子女", "子女"][min(k, 4)]
            head_only = k == 0
            rows.append(
                [
                    code,
                    village,
                    f"成员{h}-{k}",
                    relation,
                    make_id(h * 5 + k),
                    "13800000000" if head_only else "",
                    "是" if head_only else "",
                    size if head_only else "",
                    "5.5" if head_only else "",
                    "苹果" if head_only else "",
                ]
            )
    return rows


def to_csv(rows: list[list], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
