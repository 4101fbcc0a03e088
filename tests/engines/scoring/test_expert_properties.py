"""Property tests of the expert engine: any data, any valid configuration."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from puhui.engines.scoring import Scorecard
from puhui.engines.scoring.columns import norm_bool

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

points = st.integers(-20, 30)
anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**7),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.sampled_from(["是", "否", "", " ", "yes", "0", "1", "未知", "owned_brick", "初中", "12,000"]),
    st.text(max_size=6),
)


def column(n):
    return st.lists(anything, min_size=n, max_size=n)


@st.composite
def household_frames(draw, card):
    n = draw(st.integers(1, 12))
    data = {c: draw(column(n)) for c in card.required_columns()}
    return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in data.items()})


def _grade_rank(card, grades):
    order = {g: i for i, g in enumerate(card.grade_names)}
    return np.array([order[g] for g in grades])


@SETTINGS
@given(data=st.data())
def test_default_card_on_arbitrary_data(default_card, data):
    df = data.draw(household_frames(default_card))
    r = default_card.score(df)
    assert len(r) == len(df)
    assert np.isfinite(r.score).all()
    assert (r.score >= default_card.min_score).all() and (r.score <= default_card.max_score).all()
    # exclusions always win: excluded exactly when an exclusion field reads as yes
    fields = ["litigation_pending", "enforcement_pending", "current_npl", "debt_evasion_record"]
    expected = np.array([any(norm_bool(df.at[i, f]) is True for f in fields) for i in range(len(df))])
    assert (r.excluded == expected).all()
    assert (r.grade[r.excluded] == "不评级").all()
    # grades of the rated rows are monotone in the score
    rated = ~r.excluded
    order = np.argsort(r.score[rated], kind="stable")
    ranks = _grade_rank(default_card, r.grade[rated][order])
    assert (np.diff(ranks) <= 0).all()
    # reasons: sorted by points lost, each a real loss
    lost = r.reason_lost
    assert (np.diff(lost, axis=1) <= 1e-9).all()
    assert ((r.reason_state >= 0) == (lost > 0)).all()


@st.composite
def configs(draw):
    chars = []
    n_chars = draw(st.integers(1, 5))
    for i in range(n_chars):
        kind = draw(st.sampled_from(["numeric", "categorical", "boolean"]))
        if kind == "numeric":
            cuts = sorted(set(draw(st.lists(st.integers(-100, 100), min_size=0, max_size=4))))
            lo = draw(st.one_of(st.none(), st.just(-200)))
            hi = draw(st.one_of(st.none(), st.just(200)))
            bounds = [lo, *cuts, hi]
            bins = [
                {"range": [bounds[j], bounds[j + 1]], "points": draw(points)} for j in range(len(bounds) - 1)
            ]
        elif kind == "categorical":
            cats = draw(st.lists(st.sampled_from(list("abcdefg")), min_size=1, max_size=7, unique=True))
            k = draw(st.integers(1, len(cats)))
            bins = [{"categories": cats[j::k], "points": draw(points)} for j in range(k)]
        else:
            bins = [{"value": True, "points": draw(points)}, {"value": False, "points": draw(points)}]
        char = {"key": f"c{i}", "type": kind, "bins": bins}
        if draw(st.booleans()):
            char["missing"] = {"points": draw(points)}
        if draw(st.booleans()):
            char["unknown"] = {"points": draw(points)}
        chars.append(char)
    adjustments = [
        {
            "key": f"adj{i}",
            "points": draw(st.integers(1, 10)) * draw(st.sampled_from([-1, 1])),
            "when": {"field": f"c{draw(st.integers(0, n_chars - 1))}", "missing": draw(st.booleans())},
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    mins = sorted(set(draw(st.lists(st.integers(-50, 100), min_size=1, max_size=4))), reverse=True)
    grades = [{"grade": f"G{j}", "min": m} for j, m in enumerate(mins)] + [{"grade": "Z"}]
    spec = {
        "format": "puhui-scorecard",
        "kind": "expert",
        "id": "p",
        "version": "1",
        "characteristics": chars,
        "adjustments": adjustments,
        "grades": grades,
        "exclusions": [{"code": "E", "when": {"field": "c0", "missing": True}}]
        if draw(st.booleans())
        else [],
    }
    if draw(st.booleans()):
        spec["score_range"] = [0, 60]
    return spec


@SETTINGS
@given(spec=configs(), data=st.data())
def test_any_valid_config_scores_within_its_range(spec, data):
    card = Scorecard.from_dict(spec)
    n = data.draw(st.integers(1, 15))
    values = st.one_of(
        st.none(),
        st.integers(-300, 300),
        st.floats(-300, 300),
        st.booleans(),
        st.sampled_from(list("abcdefgh") + ["是", "否", "zzz", ""]),
    )
    df = pd.DataFrame(
        {
            f"c{i}": pd.Series(data.draw(st.lists(values, min_size=n, max_size=n)), dtype=object)
            for i in range(len(spec["characteristics"]))
        }
    )
    r = card.score(df)
    lo, hi = card.min_score, card.max_score
    assert np.isfinite(r.score).all()
    assert ((r.score >= lo - 1e-9) & (r.score <= hi + 1e-9)).all()
    for j, item in enumerate(card.items):
        got = item.points[r.states[:, j]]
        assert ((got >= item.min_points) & (got <= item.max_points)).all()
    rated = ~r.excluded
    order = np.argsort(r.score[rated], kind="stable")
    assert (np.diff(_grade_rank(card, r.grade[rated][order])) <= 0).all()
    if spec["exclusions"]:
        assert (r.grade[df["c0"].isna().to_numpy() | (df["c0"] == "").to_numpy()] == "不评级").all()


@SETTINGS
@given(value=st.text(min_size=1, max_size=8).filter(lambda s: s.strip() and s.strip() not in list("abc")))
def test_unseen_category_gets_the_unknown_points(value):
    spec = {
        "format": "puhui-scorecard",
        "kind": "expert",
        "id": "u",
        "version": "1",
        "characteristics": [
            {
                "key": "c",
                "type": "categorical",
                "bins": [{"categories": ["a", "b"], "points": 5}, {"categories": ["c"], "points": 2}],
                "unknown": {"points": 1},
                "missing": {"points": 0},
            }
        ],
        "grades": [{"grade": "A", "min": 3}, {"grade": "B"}],
    }
    r = Scorecard.from_dict(spec).score(pd.DataFrame({"c": [value, "a", None]}))
    assert list(r.score) == [1, 5, 0]
    assert list(r.grade) == ["B", "A", "B"]
