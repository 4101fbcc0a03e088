"""The index pages' query string, parsed by `puhui.index.forms`: bad values fall back to the defaults (the
yearly index, the run's latest period), a run the user may not open is a 404 — as before the forms."""

import pytest
from django.http import Http404, QueryDict
from django.test import Client

from puhui.index import services, views
from puhui.index.forms import IndexQueryForm, MethodologyQueryForm
from tests.security.test_edge_values import EDGE, _params_of

pytestmark = pytest.mark.django_db

LUCUN = "370323102000"


def _query(user, **params):
    data = QueryDict(mutable=True)
    data.update(params)
    return IndexQueryForm(data, user=user).query()


@pytest.fixture
def runs(published):
    by = {r.frequency: r for r in published}
    return by["year"], by["quarter"]


def test_defaults_and_choices(runs, users):
    year, quarter = runs
    member = users["member"]
    assert _query(member) == (q := _query(member, freq="year")) and (q.run, q.period) == (year, "2021")
    q = _query(member, freq="quarter", period="2020Q2")
    assert (q.freq, q.run, q.period) == ("quarter", quarter, "2020Q2")
    q = _query(member, run=str(quarter.pk))
    assert (q.freq, q.run, q.period) == ("year", quarter, "2021Q4")  # the run asked for; freq as given
    form = IndexQueryForm(QueryDict(f"run={year.pk}"), user=member)
    form.query()
    assert [c for c, _t in form.fields["period"].choices] == ["2019", "2020", "2021"]


@pytest.mark.parametrize("value", [*EDGE, "", "YEAR", "month", "2021Q1"])
def test_a_bad_frequency_or_period_falls_back_to_the_default(runs, users, value):
    year, _quarter = runs
    q = _query(users["member"], freq=value, period=value)
    assert (q.freq, q.run, q.period) == ("year", year, "2021")


def test_a_run_the_user_may_not_open_is_404(runs, users):
    year, _quarter = runs
    draft = services.run_compute(
        actor=users["office"], framework=year.framework, last_year=2020, uncertainty_runs=0
    )
    assert _query(users["office"], run=str(draft.pk)).run == draft
    for run in (str(draft.pk), "999999", "abc", "0", "-1", "9223372036854775808", f"{year.pk}.0", " "):
        with pytest.raises(Http404):
            _query(users["member"], run=run)
    with pytest.raises(Http404):
        _query(users["abc"], run=str(draft.pk))
    assert _query(users["agent"]).run is None  # no run for those who see no index (the view 404s first)


def test_download_format(users):
    def fmt(value):
        return MethodologyQueryForm(QueryDict(f"download={value}"), user=users["member"]).download_format()

    assert (fmt("docx"), fmt("html"), fmt("1"), fmt("")) == ("docx", "html", "html", None)


def test_pages_ignore_bad_values_and_404_bad_runs(runs, users):
    client = Client(raise_request_exception=False)
    client.force_login(users["member"])
    pages = ["/index/", f"/index/towns/{LUCUN}/", "/index/indicators/A1/", "/index/methodology/"]
    for path in pages:
        for value in EDGE:
            for params in (
                {"freq": value},
                {"period": value},
                {"download": value},
                {"freq": value, "period": value},
            ):
                r = client.get(path, params)
                assert r.status_code == 200, (path, params)
            assert client.get(path, {"run": value}).status_code == 404, (path, value)
    page = client.get("/index/", {"freq": "quarter", "period": "2020Q3"}).content.decode()
    assert "2020年第3季度" in page


def test_the_edge_value_sweep_reads_the_forms_fields():
    """tests/security/test_edge_values.py finds a page's parameters in its source: through the form now."""
    assert {"freq", "run", "period"} <= _params_of(views.overview)
    assert {"freq", "run", "period"} <= _params_of(views.town)
    assert {"freq", "run", "period", "download"} <= _params_of(views.methodology)
