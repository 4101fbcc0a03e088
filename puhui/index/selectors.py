"""Reads for the index pages: every query is per run and period (a few hundred rows at most)."""

from collections import defaultdict

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.http import Http404

from puhui.core.models import Division
from puhui.core.periods import label as title
from puhui.index import access, compute, sources
from puhui.index.models import IndexFramework, IndexRankInterval, IndexRun, IndexScore


def current_run(user, frequency: str = "year") -> IndexRun | None:
    """The run the pages show when none is asked for: the latest published of the highest framework
    version (for the office and admins, the latest draft when nothing is published yet)."""
    qs = access.runs_for(user).filter(frequency=frequency)
    return qs.filter(status=IndexRun.Status.PUBLISHED).order_by(
        "-framework__version", "-published_at"
    ).first() or (qs.order_by("-created_at", "-id").first() if access.can_manage(user) else None)


def catalogue(spec: dict) -> dict:
    """code → {name, level, pillar, unit, direction, source} for the index, pillars, indicators, context."""
    top = spec.get("index", {"code": "Index", "name": "指数"})
    out = {top["code"]: {"name": top["name"], "level": 3}}
    for p in spec["pillars"]:
        out[p["code"]] = {"name": p["name"], "level": 2, "weight": p.get("weight", 1)}
    for i in spec["indicators"]:
        out[i["code"]] = {**i, "level": 1, "pillar_name": out[i["pillar"]]["name"]}
    for c in spec.get("context", []):
        out[c["code"]] = {**c, "level": 0}
    return out


def run_catalogue(run: IndexRun) -> dict:
    return catalogue(compute.load(run.framework.spec_yaml))


# The catalogue's levels as the API names them.
LEVELS = {3: "index", 2: "pillar", 1: "indicator", 0: "context"}


def _difference_unit(unit: str) -> str:
    return "个百分点" if unit == "%" else unit


def beyond_goal(raw, gp: dict | None, unit: str) -> str:
    """By how much a figure passed its goal (it scores 100) or fell short of its floor (it scores 0):
    only for goalposts written in the framework (v2), whose scores are truncated."""
    if raw is None or not gp or "kind" not in gp:
        return ""
    worst, best = gp["worst"], gp["best"]
    up = best > worst
    over = (raw - best) if up else (best - raw)
    if over > 1e-9:
        return f"超出目标 {over:.2f} {_difference_unit(unit)}"
    under = (worst - raw) if up else (raw - worst)
    if under > 1e-9:
        return f"低于起点 {under:.2f} {_difference_unit(unit)}"
    return ""


def estimate_text(estimate: str, as_of: str = "") -> str:
    """The mark of a figure not measured in its own period ("" when it was)."""
    if estimate == "carry":
        return f"沿用{title(as_of)}数据" if as_of else "沿用相邻期数据"
    return {"interp": "前后期插值", "partial": "含推算值"}.get(estimate, "")


def data_through_title(run: IndexRun) -> str:
    """“2021年第4季度”: the last measured period; a year's data are those of its last quarter."""
    last = run.data_through or (run.periods[-1] if run.periods else "")
    if not last:
        return ""
    return title(last if "Q" in last else f"{last}Q4")


def published_run_of(user, framework: IndexFramework, frequency: str) -> IndexRun | None:
    """The latest published run of a framework version and frequency that this user sees."""
    return (
        access.published_runs_for(user)
        .filter(framework=framework, frequency=frequency)
        .order_by("-published_at", "-id")
        .first()
    )


def api_scores(
    scores: QuerySet[IndexScore],
    run: IndexRun,
    *,
    period: str | None = None,
    town: Division | None = None,
    county: bool = False,
    level: str | None = None,
    code: str | None = None,
) -> QuerySet[IndexScore]:
    """`scores` (`access.scores_for`) filtered, with each code's name, level and unit from the run's
    framework annotated, in the pages' order: by period, the county before the towns (by code), and
    the index, pillars, indicators and context figures in the framework's order."""
    cat = run_catalogue(run)
    if period:
        scores = scores.filter(period=period)
    if county:
        scores = scores.filter(town__isnull=True)
    elif town is not None:
        scores = scores.filter(town=town)
    if level:
        scores = scores.filter(code__in=[c for c, v in cat.items() if LEVELS[v["level"]] == level])
    if code:
        scores = scores.filter(code=code)

    def by_code(key):
        return [When(code=c, then=Value(key(c, v))) for c, v in cat.items()]

    return (
        scores.select_related("town")
        .annotate(
            name=Case(*by_code(lambda c, v: v["name"]), default=F("code")),
            level=Case(*by_code(lambda c, v: LEVELS[v["level"]]), default=Value("indicator")),
            unit=Case(*by_code(lambda c, v: str(v.get("unit") or "")), default=Value("")),
            position=Case(
                *[When(code=c, then=Value(i)) for i, c in enumerate(cat)],
                default=Value(len(cat)),
                output_field=IntegerField(),
            ),
        )
        .order_by("period", F("town__code").asc(nulls_first=True), "position", "code")
    )


def county_trend(run: IndexRun, code: str = "Index") -> list[dict]:
    rows = IndexScore.objects.filter(run=run, town=None, code=code).values(
        "period", "score", "raw", "estimate", "as_of"
    )
    by = {r["period"]: r for r in rows}
    return [
        {
            "period": p,
            "title": title(p),
            "score": by.get(p, {}).get("score"),
            "raw": by.get(p, {}).get("raw"),
            "estimate": estimate_text(by.get(p, {}).get("estimate", ""), by.get(p, {}).get("as_of", "")),
        }
        for p in run.periods
    ]


def balance(run: IndexRun, code: str = "Index") -> list[dict]:
    by = {r["Time"]: r for r in run.dispersion if r.get("iCode") == code}
    return [
        {"period": p, "title": title(p), "cv": by.get(p, {}).get("cv"), "theil": by.get(p, {}).get("theil")}
        for p in run.periods
    ]


def ranking(run: IndexRun, period: str) -> list[dict]:
    cat = run_catalogue(run)
    pillars = [c for c, v in cat.items() if v["level"] == 2 and c in run.weights]
    rows = defaultdict(dict)
    for s in IndexScore.objects.filter(
        run=run, period=period, town__isnull=False, code__in=["Index", *pillars]
    ):
        rows[s.town_id][s.code] = s
    intervals = {r.town_id: r for r in IndexRankInterval.objects.filter(run=run, period=period)}
    towns = Division.objects.in_bulk(list(rows))
    out = []
    for tid, scores in rows.items():
        idx = scores.get("Index")
        out.append(
            {
                "town": towns[tid],
                "score": idx.score if idx else None,
                "estimate": estimate_text(idx.estimate) if idx else "",
                "rank": idx.rank if idx else None,
                "pillars": [scores[p].score if p in scores else None for p in pillars],
                "interval": intervals.get(tid),
            }
        )
    out.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["town"].code))
    return out


def town_detail(run: IndexRun, town: Division, period: str) -> dict:
    cat = run_catalogue(run)
    scores = list(IndexScore.objects.filter(run=run, town=town))
    now = {s.code: s for s in scores if s.period == period}
    county = {s.code: s for s in IndexScore.objects.filter(run=run, town=None, period=period)}
    pillars = [c for c, v in cat.items() if v["level"] == 2 and c in now]
    indicators = [c for c, v in cat.items() if v["level"] == 1 and c in now]
    ranked = sorted((c for c in indicators if now[c].rank is not None), key=lambda c: (now[c].rank, c))

    def item(c):
        s = now[c]
        return {
            "code": c,
            "name": cat[c]["name"],
            "pillar": cat[c].get("pillar_name", ""),
            "score": s.score,
            "rank": s.rank,
            "raw": s.raw,
            "unit": cat[c].get("unit", ""),
            "contribution": s.contribution,
            "county_raw": county[c].raw if c in county else None,
            "estimate": estimate_text(s.estimate, s.as_of),
            "beyond": beyond_goal(s.raw, run.goalposts.get(c), cat[c].get("unit", "")),
        }

    trend = defaultdict(dict)
    for s in scores:
        if s.code == "Index" or s.code in pillars:
            trend[s.code][s.period] = s.score
    return {
        "index": now.get("Index"),
        "index_estimate": estimate_text(now["Index"].estimate) if "Index" in now else "",
        "county_index": county.get("Index"),
        "radar": [
            {
                "name": cat[c]["name"],
                "value": now[c].score,
                "county": county[c].score if c in county else None,
            }
            for c in pillars
        ],
        "indicators": [item(c) for c in indicators],
        "strengths": [item(c) for c in ranked[:3]],
        "weaknesses": [item(c) for c in ranked[::-1][:3] if c not in ranked[:3]],
        "context": [item(c) for c, v in cat.items() if v["level"] == 0 and c in now],
        "trend": {
            "periods": [title(p) for p in run.periods],
            "series": [
                {"name": cat[c]["name"], "data": [trend[c].get(p) for p in run.periods]}
                for c in ["Index", *pillars]
            ],
        },
        "interval": IndexRankInterval.objects.filter(run=run, town=town, period=period).first(),
    }


def indicator_detail(run: IndexRun, code: str, period: str) -> dict:
    cat = run_catalogue(run)
    if code not in cat:
        raise Http404
    rows = (
        IndexScore.objects.filter(run=run, code=code, period=period, town__isnull=False)
        .select_related("town")
        .order_by("rank", "town__code")
    )
    gp = run.goalposts.get(code)
    unit = cat[code].get("unit", "")
    return {
        "code": code,
        "meta": cat[code],
        "rows": [
            {
                "score": s,
                "estimate": estimate_text(s.estimate, s.as_of),
                "beyond": beyond_goal(s.raw, gp, unit),
            }
            for s in rows
        ],
        "trend": county_trend(run, code),
        "goalposts": run.goalposts.get(code),
        "weight": run.weights.get(code),
    }


METHOD_LABELS = {
    "minmax": "基期最小—最大值法",
    "goalposts": "基期5%—95%分位阈值法",
    "zscore": "基期标准分数法",
    "amean": "加权算术平均",
    "gmean": "加权几何平均",
    "hmean": "加权调和平均",
    "sarma": "Sarma 普惠金融指数法（与理想点距离）",
    "mpi": "Mazziotta–Pareto 指数",
}


def _factor_labels(unc: dict, address: str) -> list[str]:
    for f in unc.get("factors", []):
        if f.get("address") == address:
            vals = [v["method"] if isinstance(v, dict) else v for v in f.get("values", [])]
            return [METHOD_LABELS.get(v, v) for v in vals]
    return []


def methodology(framework: IndexFramework, run: IndexRun | None) -> dict:
    """The methodology document's content, from the spec and (when there is one) the run's actual
    effective weights and frozen goalposts."""
    spec = compute.load(framework.spec_yaml)
    cat = catalogue(spec)
    available = sources.registered()
    pillars = []
    used = set(run.used) if run else None
    pillar_w = {p["code"]: float(p.get("weight", 1)) for p in spec["pillars"]}
    live_p = {
        p["code"]
        for p in spec["pillars"]
        if any(i["pillar"] == p["code"] and (used is None or i["code"] in used) for i in spec["indicators"])
    }
    total_p = sum(w for c, w in pillar_w.items() if c in live_p) or 1
    for p in spec["pillars"]:
        inds = [i for i in spec["indicators"] if i["pillar"] == p["code"]]
        if used is not None:
            live = [i for i in inds if i["code"] in used]
        else:
            live = [i for i in inds if i["source"] in available]
        total_i = sum(float(i.get("weight", 1)) for i in live) or 1
        pw = pillar_w[p["code"]] / total_p if p["code"] in live_p else 0
        rows = []
        for i in inds:
            on = i in live
            wi = float(i.get("weight", 1)) / total_i if on else 0
            gp = (run.goalposts.get(i["code"]) if run else None) or _written_goalposts(i)
            rows.append(
                {
                    **i,
                    "on": on,
                    "weight_in_pillar": wi,
                    "weight_in_index": wi * pw,
                    "direction_label": "正向" if int(i.get("direction", 1)) > 0 else "负向（越低越好）",
                    "worst": gp.get("worst"),
                    "best": gp.get("best"),
                    "goal_kind": compute.GOAL_KINDS.get(gp.get("kind", ""), ""),
                    "basis": gp.get("basis", ""),
                    "source_name": available[i["source"]].name if i["source"] in available else "",
                }
            )
        pillars.append({**p, "effective_weight": pw, "indicators": rows})
    ctx = {
        "framework": framework,
        "spec": spec,
        "run": run,
        "pillars": pillars,
        "context": spec.get("context", []),
        "steps": spec.get("steps", []),
        "uncertainty": spec.get("uncertainty") or {},
        "catalogue": cat,
        "base_year": spec.get("base_year", 2019),
        "fixed_goalposts": compute.uses_fixed_goalposts(spec),
        "normalisations": _factor_labels(spec.get("uncertainty") or {}, "normalise"),
        "aggregations": _factor_labels(spec.get("uncertainty") or {}, "aggregate.method"),
        "runs": run.uncertainty_runs if run else (spec.get("uncertainty") or {}).get("runs", 0),
    }
    ctx["method_items"] = method_items(ctx)
    return ctx


def _written_goalposts(indicator: dict) -> dict:
    """A v2 indicator's floor and goal as the framework writes them (before any run)."""
    gp = indicator.get("goalposts") or {}
    if not gp:
        return {}
    return {
        "worst": gp["floor"],
        "best": gp["goal"],
        "kind": gp.get("kind", ""),
        "basis": gp.get("basis", ""),
    }


# What a score means, for a county leader (v2): one paragraph on the methodology page and in its document.
READING = (
    "怎么看分数：每项指标都事先定好“起点”和“目标”——目标优先取实施方案写明的目标（如2021年底农户建档率达到90%），"
    "方案没有写明的取自然界限（如全部行政村都有服务点，即100%）或领导小组办公室确定并写明理由的政策取值。"
    "得分就是从起点走向目标已经走完的比例：100分表示已经达到或超过目标（超过多少在页面上另行注明），"
    "60分表示走完了从起点到目标的六成路程（如建档率起点0、目标90%，建档率54%得60分），0分表示还在起点。"
    "不良贷款率、贷款利率等越低越好的指标反过来算。维度和总指数是各指标得分的加权平均，同样在0至100分之间；"
    "起点和目标不随年份改变，所以各年份的分数可以直接比较，分数上升就是离目标更近了。"
)

FIXED_NORMALISATION = (
    "标准化（目标阈值）",
    "每个指标的起点（0分）和目标（100分）写在指标框架中，见上表及其依据：得分 =（当期值 − 起点）÷（目标 − 起点）× 100，"
    "达到或超过目标计100分，低于起点计0分；负向指标的起点高于目标，公式相同。阈值不随期间改变，各期得分直接可比。",
)


def method_items(ctx: dict) -> list[tuple[str, str]]:
    """The method section as (title, text) pairs: one source for the page and the Word document."""
    items = _fitted_method_items(ctx)
    if ctx.get("fixed_goalposts"):
        items[2] = FIXED_NORMALISATION
        items.insert(0, ("怎么看分数", READING))
    items.insert(
        1 if ctx.get("fixed_goalposts") else 0,
        (
            "数据截至",
            "只计算已报送并审核通过数据的期间：最后一期是各项指标都有数据的最近一期，此后的期间不计算、不发布。"
            "某镇某期缺少的数值按前后期插值或沿用最近一期的数值，并在各表格和导出文件中注明“沿用”或“插值”。",
        ),
    )
    return items


def _fitted_method_items(ctx: dict) -> list[tuple[str, str]]:
    y = ctx["base_year"]
    return [
        (
            "数据口径",
            "各指标按期末时点计算：年度为12月31日，季度为季末日。网点按开业、撤销日期，服务点按设立、撤销日期，"
            "终端按布放日期，市场主体按成立日期确定当期是否在内；人口和农户数取各村（社区）户籍数据之和。",
        ),
        ("缺失值", "某镇某期缺少数值时，按该镇自身前后期线性插值，两端取最近一期的值。"),
        (
            "标准化（基期固定阈值）",
            f"以 {y} 年为基期（季度指数以 {y} 年第4季度为基期）。每个指标以基期各镇（街道）的最差值和最好值为阈值"
            "并固定不变：得分 =（当期值 − 基期最差值）÷（基期最好值 − 基期最差值）× 100；负向指标先取相反数。以后各期沿用基期阈值，"
            "不截断，得分高于100表示超过基期最好水平，因而各期得分可以直接比较。",
        ),
        (
            "加权汇总",
            "指标得分在维度内加权算术平均得到维度得分，维度得分加权算术平均得到总指数；权重在基期确定并固定。"
            "某项缺失时，其余各项按权重比例分摊。全县指数为各镇（街道）指数按户籍人口加权的平均值。",
        ),
        ("均衡度", "每期计算各镇（街道）指数的变异系数（标准差 ÷ 均值）和泰尔指数，数值越小，发展越均衡。"),
        (
            "稳健性（排名区间）",
            "对权重（±25% 随机扰动）、"
            + (f"标准化方法（{'、'.join(ctx['normalisations'])}）和" if ctx["normalisations"] else "")
            + "汇总方法"
            f"（{'、'.join(ctx['aggregations'])}）进行 {ctx['runs']} 次蒙特卡洛模拟（每期分别进行），给出每个镇（街道）排名的"
            "5%–95%分位区间。区间越窄，排名越稳健。",
        ),
        (
            "版本管理",
            "指标框架按版本保存；发布后的计算结果不再修改，修订框架只产生新版本的新结果，不改变已发布的结果。",
        ),
    ]


# A score or figure differing by less than this is not a change worth showing.
MOVE_TOLERANCE = 0.005


def _score_map(run: IndexRun) -> dict:
    rows = IndexScore.objects.filter(run=run).values_list(
        "town_id", "period", "code", "score", "raw", "estimate", "as_of"
    )
    return {(t, p, c): (s, r, e, a) for t, p, c, s, r, e, a in rows}


def _why(old, new, unit: str, same_framework: bool) -> str:
    """Why an indicator's score moved between two runs."""
    reasons = []
    if (old[1] is None) != (new[1] is None) or (
        old[1] is not None and abs(new[1] - old[1]) > MOVE_TOLERANCE * max(1.0, abs(old[1]))
    ):
        fmt = lambda v: "—" if v is None else f"{v:.2f}"  # noqa: E731
        reasons.append(f"数据更新：原始值 {fmt(old[1])} → {fmt(new[1])} {unit}".rstrip())
    if old[2] != new[2] or old[3] != new[3]:
        reasons.append(
            f"数据状态：{estimate_text(old[2], old[3]) or '实测'} → {estimate_text(new[2], new[3]) or '实测'}"
        )
    if not reasons:
        reasons.append(
            "原始值未变：阈值或方法变化" if not same_framework else "原始值未变：权重或计算方法变化"
        )
    return "；".join(reasons)


def comparison(draft: IndexRun, published: IndexRun | None) -> dict:
    """What moved between the published run and a draft, and why: periods added or dropped, indicators
    added or dropped, and every score (index, pillars, indicators; county and towns) that moved in the
    periods both have, the indicators with the reason (their raw figure or its status changed)."""
    if published is None:
        return {
            "published": None,
            "notes": ["尚无已发布的同频度结果，发布后即为首个发布结果。"],
            "aggregates": [],
            "indicators": [],
        }
    cat = run_catalogue(draft)
    same = draft.framework_id == published.framework_id
    notes = []
    if not same:
        notes.append(
            f"指标框架不同：已发布结果为第{published.framework.version}版，本次为第{draft.framework.version}版，"
            "得分变化含阈值和方法的变化。"
        )
    added = [title(p) for p in draft.periods if p not in published.periods]
    dropped = [title(p) for p in published.periods if p not in draft.periods]
    if added:
        notes.append(f"新增期间：{'、'.join(added)}（数据已报送并审核通过）。")
    if dropped:
        notes.append(f"不再计算的期间：{'、'.join(dropped)}（数据未报送齐全或未审核通过）。")
    for word, codes in (
        ("新计入", set(draft.used) - set(published.used)),
        ("不再计入", set(published.used) - set(draft.used)),
    ):
        if codes:
            notes.append(f"{word}的指标：{'、'.join(cat.get(c, {}).get('name', c) for c in sorted(codes))}。")
    if draft.data_through != published.data_through:
        notes.append(f"数据截至：{data_through_title(published)} → {data_through_title(draft)}。")
    old, new = _score_map(published), _score_map(draft)
    towns = dict(Division.objects.filter(level=Division.Level.TOWN).values_list("id", "name"))
    aggregates, indicators = [], []
    for key in sorted(set(old) & set(new), key=lambda k: (k[1], k[0] or 0, k[2])):
        town_id, period, code = key
        meta = cat.get(code)
        o, n = old[key], new[key]
        if meta is None or meta["level"] == 0:
            continue
        moved = (o[0] is None) != (n[0] is None) or (o[0] is not None and abs(n[0] - o[0]) > MOVE_TOLERANCE)
        if not moved and (meta["level"] > 1 or (o[1:] == n[1:])):
            continue
        row = {
            "period": title(period),
            "town": towns.get(town_id, "全县"),
            "code": code,
            "name": meta["name"],
            "old": o[0],
            "new": n[0],
            "delta": None if o[0] is None or n[0] is None else n[0] - o[0],
        }
        if meta["level"] == 1:
            indicators.append({**row, "why": _why(o, n, str(meta.get("unit") or ""), same)})
        else:
            aggregates.append(row)
    by_size = lambda r: -(abs(r["delta"]) if r["delta"] is not None else float("inf"))  # noqa: E731
    return {
        "published": published,
        "notes": notes,
        "aggregates": sorted(aggregates, key=by_size),
        "indicators": sorted(indicators, key=by_size),
    }
