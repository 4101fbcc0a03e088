"""Reads of the listing pipeline: the board by stage, the time spent in each stage, the yearly goals against
what was achieved, and the listed firms per town for the indicator catalogue.

Each read is a fixed handful of queries whatever the number of firms: the candidates (or their whole stage
history) are read in one query and grouped here. Durations and achievements come from the history
(`StageChange`), never from today's stage alone, so a past year or period reads as it was.
"""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from puhui.localfin import access
from puhui.localfin.models import STAGE_ORDER, Candidate, ListingGoal, Stage, StageChange

STAGES = list(Stage)  # in pipeline order


def _annotate(candidate: Candidate, today: datetime.date) -> Candidate:
    candidate.days_in_stage = (today - candidate.stage_since).days
    candidate.overdue = candidate.deadline is not None and candidate.deadline < today
    return candidate


def days_in_stage(candidate: Candidate) -> int:
    return (timezone.localdate() - candidate.stage_since).days


@dataclass
class Column:
    stage: str
    label: str
    candidates: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.candidates)

    @property
    def overdue(self) -> int:
        return sum(1 for c in self.candidates if c.overdue)


def board(user) -> list[Column]:
    """The stages in order, each with its candidates (longest in the stage first), their days in the stage
    and whether the stage's deadline has passed."""
    today = timezone.localdate()
    columns = {s.value: Column(s.value, s.label) for s in STAGES}
    for c in access.candidates_for(user).order_by("stage_since", "enterprise__name", "pk"):
        columns[c.stage].candidates.append(_annotate(c, today))
    return list(columns.values())


def _histories(user) -> dict[int, list[tuple[str, datetime.date]]]:
    """Each visible candidate's (to_stage, on) changes in order — one query."""
    rows = (
        StageChange.objects.filter(candidate__in=access.candidates_for(user).values("pk"))
        .order_by("candidate_id", "on", "pk")
        .values_list("candidate_id", "to_stage", "on")
    )
    out: dict[int, list] = defaultdict(list)
    for candidate_id, stage, on in rows:
        out[candidate_id].append((stage, on))
    return out


@dataclass
class Duration:
    stage: str
    label: str
    spells: list = field(default_factory=list)  # days of each completed spell
    ongoing: list = field(default_factory=list)  # days so far of each current spell

    @property
    def completed(self) -> int:
        return len(self.spells)

    @property
    def average(self) -> float | None:
        return round(statistics.fmean(self.spells), 1) if self.spells else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.spells) if self.spells else None

    @property
    def ongoing_count(self) -> int:
        return len(self.ongoing)

    @property
    def ongoing_average(self) -> float | None:
        return round(statistics.fmean(self.ongoing), 1) if self.ongoing else None


def stage_durations(user) -> list[Duration]:
    """Per stage: the completed spells (from the change into the stage to the candidate's next change) with
    their average and median days, and the current spells (to today) counted apart as ongoing."""
    today = timezone.localdate()
    out = {s.value: Duration(s.value, s.label) for s in STAGES}
    for changes in _histories(user).values():
        for (stage, start), following in zip(changes, [*changes[1:], None], strict=True):
            if following is None:
                out[stage].ongoing.append((today - start).days)
            else:
                out[stage].spells.append((following[1] - start).days)
    return list(out.values())


def first_reached(changes: list[tuple[str, datetime.date]]) -> dict[str, datetime.date]:
    """For each stage, the day the candidate first stood at that stage or a later one (its entry included)."""
    out: dict[str, datetime.date] = {}
    for stage, on in changes:
        for s in STAGES[: STAGE_ORDER[stage] + 1]:
            if s.value not in out or on < out[s.value]:
                out[s.value] = on
    return out


@dataclass
class GoalCell:
    stage: str
    label: str
    goal: int | None
    achieved: int

    @property
    def met(self) -> bool | None:
        return None if self.goal is None else self.achieved >= self.goal


@dataclass
class GoalYear:
    year: int
    cells: list


def goals_progress(user, years) -> list[GoalYear]:
    """Per year and stage: the goal (None when none was set) and the firms that first reached that stage —
    or a later one, in one step — during the year."""
    years = sorted(set(years))
    if not access.sees_all(user):
        return []
    goals = {(g.year, g.stage): g.count for g in ListingGoal.objects.filter(year__in=years)}
    achieved: dict[tuple[int, str], int] = defaultdict(int)
    for changes in _histories(user).values():
        for stage, on in first_reached(changes).items():
            achieved[on.year, stage] += 1
    return [
        GoalYear(
            y, [GoalCell(s.value, s.label, goals.get((y, s.value)), achieved[y, s.value]) for s in STAGES]
        )
        for y in years
    ]


def goal_years(latest: int | None = 3) -> list[int]:
    """The years that have a goal — the latest `latest` of them, or all —, in order; the years up to this one
    when none has a goal yet."""
    years = sorted(set(ListingGoal.objects.values_list("year", flat=True)))
    if not years:
        this = timezone.localdate().year
        return list(range(this - (latest or 1) + 1, this + 1))
    return years[-latest:] if latest else years


@dataclass
class Step:
    change: StageChange
    days: int
    ongoing: bool
    backward: bool


def candidate_history(candidate: Candidate) -> list[Step]:
    """A candidate's stage changes in order, each with the days spent in the stage it led to."""
    today = timezone.localdate()
    changes = list(candidate.changes.select_related("actor").order_by("on", "pk"))
    steps = []
    for change, following in zip(changes, [*changes[1:], None], strict=True):
        end = following.on if following else today
        backward = bool(change.from_stage) and STAGE_ORDER[change.to_stage] < STAGE_ORDER[change.from_stage]
        steps.append(Step(change, (end - change.on).days, following is None, backward))
    return steps


def listed_firms_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Listed firms per town as at `end` (a stock): candidates whose last stage change on or before `end`
    led to 上市挂牌. A DataSource of the indicator catalogue: rows (None, town_id, None, count)."""
    stage_then = (
        StageChange.objects.filter(candidate=OuterRef("pk"), on__lte=end)
        .order_by("-on", "-pk")
        .values("to_stage")[:1]
    )
    rows = (
        Candidate.objects.annotate(stage_then=Subquery(stage_then))
        .filter(stage_then=Stage.LISTED)
        .values("enterprise__town_id")
        .annotate(n=Count("pk"))
        .order_by("enterprise__town_id")
    )
    return [(None, r["enterprise__town_id"], None, r["n"]) for r in rows]
