"""The evaluation's 通报 as a Word document, in the 公文 layout every bulletin of the platform has
(`puhui.core.documents`, GB/T 9704): red issuer line, title, addressee, the indicator set, the results table
with grades and ranks, the requirements, the issuer and date."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from puhui.core import documents as gongwen
from puhui.core.models import Division
from puhui.engines.evaluation import MANUAL

from .models import Run
from .selectors.results import grade_counts, indicator_rows
from .services.sets import engine_set

OFFICE_NAME_SUFFIX = "县域普惠金融综合示范区试点县建设工作领导小组办公室"


def office_issuer() -> str:
    """The leading group's office of the county, as the plan's 通报 name it."""
    county = Division.objects.filter(level=Division.Level.COUNTY).values_list("name", flat=True).first() or ""
    return f"{county}{OFFICE_NAME_SUFFIX}" if county.endswith("县") else f"{county}普惠金融领导小组办公室"


def bulletin_title(run: Run) -> str:
    if run.kind == Run.Kind.ANNUAL:
        return f"关于{run.period.label}银行业金融机构普惠金融综合评价结果的通报"
    return f"关于{run.period.label}银行业金融机构普惠金融工作监测情况的通报"


def bulletin_filename(run: Run) -> str:
    what = "普惠金融综合评价结果通报" if run.kind == Run.Kind.ANNUAL else "普惠金融监测情况通报"
    status = "" if run.is_published else "（未发布稿）"
    return f"{run.period.label}银行业金融机构{what}{status}.docx"


def _p(d: Decimal) -> str:
    return f"{d:.2f}"


def _result_rows(run: Run, spec) -> list[list]:
    manual = {s.code for s in spec.indicators if s.method == MANUAL}
    rows = []
    for r in run.results.select_related("bank").order_by("rank", "bank__name"):
        quant = sum(
            Decimal(v["points"]) for c, v in r.scores.items() if c not in manual and v["status"] != "na"
        )
        qual = sum(Decimal(v["points"]) for c, v in r.scores.items() if c in manual and v["status"] != "na")
        rows.append([r.rank, r.bank.name, _p(quant), _p(qual) if run.kind == Run.Kind.ANNUAL else "—",
                     _p(r.total), r.grade])  # fmt: skip
    return rows


def bulletin_docx(run: Run) -> bytes:
    spec = engine_set(run.indicator_set)
    issuer = office_issuer()
    quant = sum(s.weight for s in spec.indicators if s.method != MANUAL)
    qual = spec.full - quant
    doc = gongwen.new_document()
    gongwen.red_header(doc, issuer)
    gongwen.title(doc, bulletin_title(run))
    gongwen.addressee(doc, "各银行业金融机构")
    counts = "，".join(f"{label} {n} 家" for label, n in grade_counts(run) if n)
    scope = (
        f"定量指标 {quant:g} 分、定性指标 {qual:g} 分" if run.kind == Run.Kind.ANNUAL
        else f"定量指标 {quant:g} 分（季度监测不评定性指标，总分按定量指标折算为百分制）"
    )  # fmt: skip
    gongwen.body(doc, [
        "根据《沂源县县域普惠金融综合示范区试点县建设实施方案》第二十五条“将普惠金融纳入银行业金融机构综合评价体系”的要求，"
        "参照《金融机构服务乡村振兴考核评估办法》（银发〔2021〕171号），领导小组办公室对全县银行业金融机构"
        f"{run.period.label}普惠金融工作进行了评价。现将结果通报如下。",
        f"本次评价采用《{spec.name}》，满分 {spec.full:g} 分，其中{scope}；共评价 {run.banks} 家银行业金融机构，"
        f"全县平均 {run.averages.get('total') or '—'} 分。评价等级：{counts}。",
    ])  # fmt: skip
    gongwen.heading(doc, "一、评价指标和计分方法")
    for n, row in enumerate(indicator_rows(run.indicator_set, run.period.year), start=1):
        s = row["spec"]
        gongwen.body(
            doc,
            [f"（{gongwen.chinese_number(n)}）{s.name}（{row['part']}，{s.weight:g}分）。{row['method']}。"],
        )
    gongwen.heading(doc, "二、评价结果")
    header = ["名次", "银行业金融机构", "定量得分", "定性得分", "总分", "等级"]
    gongwen.table(doc, header, _result_rows(run, spec), widths_cm=[1.4, 6.0, 2.0, 2.0, 2.0, 1.6])
    gongwen.heading(doc, "三、有关要求")
    gongwen.body(doc, [
        "各银行业金融机构要对照评价结果，查找差距，制定整改措施；评价结果将作为领导小组办公室开展货币政策工具运用、"
        "财政奖补和示范区建设考核的重要参考。各机构可登录平台查看本机构各项指标的得分和全县平均水平。",
    ])  # fmt: skip
    day = timezone.localdate(run.published_at) if run.published_at else timezone.localdate()
    gongwen.signature(doc, issuer, day)
    return gongwen.to_bytes(doc)
