"""The statistical firm scorecard (issue #15 §2): trained by the one scoring engine on the banks' outcomes,
stored as a version with its cross-validated report; the office puts a version in force, and the rating job
then uses it instead of the expert card.

Sample. The observation date T is `window_months` before the end of the latest quarter with an approved
贷款明细表. A firm is labelled when it appears in a loans return in force of a quarter ending after T: bad
when any of its loans there is reported 逾期 or 不良, good when it borrowed and every row stayed 正常; a firm
in none is unlabelled and left out. Its features are those of the expert card as they stood on T — the
departments' rows of periods up to T, its loans in the banks' returns ending by T, the register's facts —
and a firm the expert card would not rate on T (失信被执行人, 不良贷款) is left out, as it is at scoring time.
"""

import datetime
import itertools
import math

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from puhui.core.audit import audit_record
from puhui.core.models import AuditLog
from puhui.data.selectors import approved_loan_returns
from puhui.engines.scoring import ScoringError, train_scorecard
from puhui.engines.scoring.scorecard import range_label
from puhui.engines.scoring.train import TrainOptions
from puhui.firms.models import FirmScorecard
from puhui.firms.selectors.loans import firm_hashes, loan_outcomes
from puhui.firms.services.ratings import FIRM_COLUMNS, expert_scorecard, features_frame
from puhui.registry.models import Firm

CARD_ID = "small-firm-statistical"
CARD_NAME = "小微企业信用评价统计评分卡"
WINDOW_MONTHS = 12
# Below these the bins' default rates are noise and the 5-fold cross-validation cannot be run (10 bad a fold).
MIN_FIRMS, MIN_BAD = 200, 20
TARGET = "outcome"
# The expert card's characteristics the statistical card may use, with their units. Left out: the two the
# expert card excludes on (失信被执行人, 不良贷款 — excluded here too), and subsidies (a policy decision, not a
# repayment signal, as on the expert card: a card rewarding them would feed the subsidy back into credit).
FEATURES = {
    "years_operating": ("经营年限", "年"),
    "employees": ("从业人数", "人"),
    "annual_revenue": ("年营业收入", "元"),
    "tax_grade": ("纳税信用等级", ""),
    "tax_paid": ("年度纳税额", "元"),
    "insured": ("社会保险参保人数", "人"),
    "social_arrears": ("欠缴社会保险费", ""),
    "open_cases": ("未结被执行案件", "件"),
    "abnormal_listed": ("列入经营异常名录", ""),
    "penalties": ("行政处罚次数", "次"),
    "utility_arrears": ("欠缴水电气费", ""),
    "lender_count": ("有贷款余额的银行数", "家"),
    "current_overdue": ("贷款当前逾期", ""),
}
YES_NO = {  # yes/no characteristics: each answer in words, for the reasons
    "social_arrears": ("有欠缴的社会保险费", "没有欠缴社会保险费"),
    "abnormal_listed": ("被列入经营异常名录", "未列入经营异常名录"),
    "utility_arrears": ("有欠缴的水电气费", "没有欠缴水电气费"),
    "current_overdue": ("在银行有逾期未还的贷款", "贷款没有逾期"),
}
COUNTS = {"employees", "insured", "open_cases", "penalties", "lender_count"}
MONEY = {"annual_revenue", "tax_paid"}


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The last day of the month `months` before `day`'s month: 2021-12-31, 12 → 2020-12-31."""
    first = datetime.date(day.year, day.month, 1)
    index = first.year * 12 + first.month - 1 - months + 1
    return datetime.date(index // 12, index % 12 + 1, 1) - datetime.timedelta(days=1)


def latest_loans_end() -> datetime.date | None:
    ends = approved_loan_returns()
    return ends.order_by("-period__end").values_list("period__end", flat=True).first()


def training_sample(window_months: int = WINDOW_MONTHS) -> tuple[pd.DataFrame, dict]:
    """(one row per labelled firm: the features on T and `outcome` 坏/好, what was counted)."""
    until = latest_loans_end()
    if until is None:
        raise ValidationError("还没有审核通过的贷款明细表，没有企业的贷款结果，无法开发统计评分卡。")
    observed = months_before(until, window_months)
    alive = Firm.objects.filter(registered_on__lte=observed).filter(
        Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=observed)
    )
    firms = list(alive.order_by("pk").values_list(*FIRM_COLUMNS))
    outcomes = loan_outcomes(firm_hashes({pk: uscc for pk, uscc, *_ in firms}), observed, until)
    labelled = [f for f in firms if f[0] in outcomes]
    counts = {"observed_on": observed, "window_end": until, "firms": len(firms), "borrowed": len(labelled)}
    if not labelled:
        return pd.DataFrame(columns=[*FEATURES, TARGET]), {**counts, "excluded": 0, "labelled": 0, "bad": 0}
    frame = features_frame(labelled, observed, as_of=observed)
    rated = ~expert_scorecard().score(frame).excluded  # not rated on T: not in the sample either
    frame[TARGET] = ["坏" if outcomes[f[0]] else "好" for f in labelled]
    frame = frame.loc[rated].reset_index(drop=True)
    frame = frame[[*FEATURES, TARGET, "dishonest_listed", "current_npl"]]
    bad = int((frame[TARGET] == "坏").sum())
    return frame, {**counts, "excluded": int((~rated).sum()), "labelled": len(frame), "bad": bad}


def _plain_texts(spec: dict) -> dict:
    """Reasons in plain Chinese on every bin: units on the ranges, yes/no in words, the expert card's words for
    a department that has not sent its data; the expert card's exclusion rules kept."""
    expert = {c["key"]: c for c in expert_scorecard().spec["characteristics"]}
    for c in spec["characteristics"]:
        label, unit = FEATURES[c["key"]]
        c["unit"] = unit
        if c["type"] == "numeric":
            _readable_edges(c)
        for b in c["bins"]:
            if c["type"] == "numeric" and c["key"] in MONEY:
                b["label"] = range_label(*(None if x is None else x / 10_000 for x in b["range"]), "万元")
                b["text"] = f"{label}{b['label']}"
            elif c["type"] == "numeric":
                b["text"] = f"{label}{range_label(*b['range'], unit)}"
            elif c["key"] == "tax_grade":
                b["label"] = "、".join(f"{g}级" for g in b["categories"])
                b["text"] = f"{label}为{b['label']}"
            elif c["key"] in YES_NO:
                # trained on the yes/no values as the rating job passes them (categories "true"/"false")
                words = dict(zip(("true", "false"), YES_NO[c["key"]], strict=True))
                b["label"] = "、".join("是" if v == "true" else "否" for v in b["categories"])
                b["text"] = "或".join(words.get(v, v) for v in b["categories"])
            else:
                b["text"] = f"{label}为{'、'.join(b['categories'])}"
        missing = (expert.get(c["key"], {}).get("missing") or {}).get("text")
        c["missing"]["text"] = missing or f"没有{label}的数据"
    expert_spec = expert_scorecard().spec
    spec["exclusions"] = expert_spec["exclusions"]
    spec["excluded_grade"] = expert_spec.get("excluded_grade", "不评级")
    spec["description"] = (
        "按银行贷款明细表中企业的逾期和不良情况开发（分箱、逻辑回归、分值表），经五折交叉验证。"
    )
    return spec


def _readable_edges(c: dict) -> None:
    """Bin edges people can read: counts' midpoints (3.5 人) raised to the next whole number — the same bins
    for whole numbers —, money to three significant figures, years to one decimal; kept when rounding would
    merge two edges."""
    key = c["key"]
    edges = [b["range"][1] for b in c["bins"][:-1]]
    if key in COUNTS:
        new = [float(math.ceil(e)) for e in edges]
    elif key in MONEY:
        new = [float(f"{e:.3g}") for e in edges]
    else:
        new = [round(e, 1) for e in edges]
    if all(a < b for a, b in itertools.pairwise(new)):
        for i, e in enumerate(new):
            c["bins"][i]["range"][1] = c["bins"][i + 1]["range"][0] = e


def _refuse_if_few(counts: dict, min_firms: int, min_bad: int) -> None:
    labelled, bad = counts["labelled"], counts["bad"]
    if labelled >= min_firms and bad >= min_bad and labelled - bad >= min_bad:
        return
    raise ValidationError(
        f"有贷款结果的企业不足，不能开发统计评分卡：观察日 {counts['observed_on']:%Y-%m-%d} 之后至 "
        f"{counts['window_end']:%Y-%m-%d} 的贷款明细表中有贷款的在册企业 {counts['borrowed']:,} 户，"
        f"除去观察日不评级的 {counts['excluded']:,} 户后 {labelled:,} 户，其中逾期或不良 {bad:,} 户、"
        f"始终正常 {labelled - bad:,} 户；至少需要 {min_firms:,} 户，且逾期或不良、始终正常各至少 "
        f"{min_bad:,} 户。继续使用专家评分卡。"
    )


def scorecard_train(
    *, actor, window_months: int = WINDOW_MONTHS, min_firms: int = MIN_FIRMS, min_bad: int = MIN_BAD,
    progress=None,
) -> FirmScorecard:  # fmt: skip
    """Train a statistical version from the banks' outcomes and store it as a draft (not in force)."""
    say = progress or (lambda done, total, message: None)
    say(0, 3, "正在整理企业的贷款结果和观察日的信息")
    frame, counts = training_sample(window_months)
    _refuse_if_few(counts, min_firms, min_bad)
    say(1, 3, f"正在用 {counts['labelled']:,} 户企业开发评分卡并交叉验证")
    now = timezone.localtime()
    options = TrainOptions(
        target=TARGET,
        bad_value="坏",
        exclude=["dishonest_listed", "current_npl"],
        categorical=["tax_grade", *YES_NO],
        name=CARD_ID,
        version=f"{now:%Y%m%d-%H%M}",
        labels={k: label for k, (label, _unit) in FEATURES.items()},
    )
    try:
        result = train_scorecard(frame, options)
    except ScoringError as e:
        # the engine's words name its command-line options (“请用 --exclude 排除”): not for the office
        raise ValidationError([f"无法开发统计评分卡：{p.split('；请用')[0]}" for p in e.problems]) from None
    spec = _plain_texts(result.scorecard.spec)
    return _store(actor, spec, result.report, counts, now)


@transaction.atomic
def _store(actor, spec: dict, report: dict, counts: dict, now) -> FirmScorecard:
    from puhui.engines.scoring import Scorecard

    spec["name"] = CARD_NAME
    card = Scorecard.from_dict(spec)  # validated again, the forbidden-characteristics rule included
    report["sample"] = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in counts.items()}
    if FirmScorecard.objects.filter(card_id=CARD_ID, version=spec["version"]).exists():
        raise ValidationError(f"{spec['version']}版已经存在（同一分钟内开发过一次），请一分钟后再开发。")
    made = FirmScorecard.objects.create(
        card_id=CARD_ID,
        version=spec["version"],
        name=CARD_NAME,
        spec=card.spec,
        fingerprint=card.fingerprint,
        report=report,
        observed_on=counts["observed_on"],
        window_end=counts["window_end"],
        labelled=counts["labelled"],
        bad=counts["bad"],
        created_at=now,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    cv = (report.get("cross_validation") or {}).get("summary") or {}
    audit_record(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=made,
        after={"version": made.full_version, "labelled": made.labelled, "bad": made.bad,
               "auc": (cv.get("auc") or {}).get("mean"), "ks": (cv.get("ks") or {}).get("mean")},
        note=f"开发统计评分卡 {made.version}版：{made.labelled:,} 户企业，逾期或不良 {made.bad:,} 户",
    )  # fmt: skip
    return made


@transaction.atomic
def scorecard_promote(*, actor, scorecard: FirmScorecard) -> FirmScorecard:
    """Put a statistical version in force (the one in force before is retired); ratings use it from the
    next run of the rating job."""
    if scorecard.status == FirmScorecard.Status.ACTIVE:
        raise ValidationError(f"{scorecard} 已在使用中。")
    before = list(FirmScorecard.objects.select_for_update().filter(status=FirmScorecard.Status.ACTIVE))
    FirmScorecard.objects.filter(pk__in=[v.pk for v in before]).update(status=FirmScorecard.Status.RETIRED)
    scorecard.status = FirmScorecard.Status.ACTIVE
    scorecard.promoted_at, scorecard.promoted_by = timezone.now(), actor
    scorecard.save(update_fields=["status", "promoted_at", "promoted_by"])
    audit_record(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=scorecard,
        before={"in_force": [v.full_version for v in before] or [expert_scorecard().version]},
        after={"in_force": scorecard.full_version},
        note=f"启用{scorecard}，此后的企业信用评级使用该版本",
    )
    return scorecard


@transaction.atomic
def scorecard_retire(*, actor) -> None:
    """Stop the statistical version in force: the expert card rates the firms again from the next run."""
    active = list(FirmScorecard.objects.select_for_update().filter(status=FirmScorecard.Status.ACTIVE))
    if not active:
        raise ValidationError("没有在用的统计评分卡，专家评分卡已在使用中。")
    FirmScorecard.objects.filter(pk__in=[v.pk for v in active]).update(status=FirmScorecard.Status.RETIRED)
    for version in active:
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=version,
            before={"in_force": version.full_version},
            after={"in_force": expert_scorecard().version},
            note=f"停用{version}，恢复使用专家评分卡",
        )
