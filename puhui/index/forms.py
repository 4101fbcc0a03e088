"""The index pages' query string: `?freq=year|quarter&run=<id>&period=<code>` (and `download=` on the
methodology page), parsed by a form instead of by hand.

A bad frequency or period is ignored (the page shows the default: the yearly index, the run's latest
period), as the pages always did. A run that is not one of the user's — missing, a draft for a member
unit, not a number — is a 404, like a missing row (docs/architecture.md).
"""

from dataclasses import dataclass

from django import forms
from django.http import Http404

from puhui.core.periods import label as title
from puhui.index import access, selectors
from puhui.index.models import IndexRun
from puhui.index.periods import FREQUENCIES, YEAR

DEFAULT_FREQUENCY = YEAR


@dataclass(frozen=True)
class IndexQuery:
    freq: str  # as asked for (the run's own frequency may differ when `run` is given)
    run: IndexRun | None
    period: str | None  # one of the run's periods; None when there is no run
    notice: str = ""  # a period asked for that the run does not have: said in Chinese, the latest shown


class IndexQueryForm(forms.Form):
    freq = forms.ChoiceField(label="频度", choices=list(FREQUENCIES.items()), required=False)
    # The runs this user may open (`access.runs_for`): one look-up by id, not a list of every run.
    run = forms.ModelChoiceField(label="计算批次", queryset=IndexRun.objects.none(), required=False)
    # Choices: the periods of the run shown — the one asked for or the current one of the frequency.
    period = forms.ChoiceField(label="期间", required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        self.user = user
        self.fields["run"].queryset = access.runs_for(user)

    def clean_run(self) -> IndexRun | None:
        # Fields are cleaned in order: the frequency is known here, the period is checked next.
        run = self.cleaned_data["run"] or selectors.current_run(
            self.user, self.cleaned_data.get("freq") or DEFAULT_FREQUENCY
        )
        self.fields["period"].choices = [(p, title(p)) for p in run.periods] if run else []
        return run

    def query(self) -> IndexQuery:
        """The values to show. Raises Http404 for a run the user may not open."""
        self.is_valid()  # an invalid frequency or period is dropped from cleaned_data: the default applies
        if "run" in self.errors:
            raise Http404
        data = self.cleaned_data
        run = data.get("run")
        period = (data.get("period") or run.periods[-1]) if run else None
        return IndexQuery(
            freq=data.get("freq") or DEFAULT_FREQUENCY,
            run=run,
            period=period,
            notice=self._missing_period_notice(period),
        )

    def _missing_period_notice(self, shown: str | None) -> str:
        asked = str(self.data.get("period") or "").strip()
        if not asked or asked == shown:
            return ""
        try:
            asked = title(asked)
        except ValueError:
            asked = "所选期间"
        return f"{asked}没有指数数据，已显示{title(shown)}。" if shown else f"{asked}没有指数数据。"


class MethodologyQueryForm(IndexQueryForm):
    # `docx`: the Word document; any other value (the page's link sends `html`): the stand-alone page.
    download = forms.CharField(label="下载", required=False, strip=False)

    def download_format(self) -> str | None:
        """The download asked for: `docx`, `html`, or None for the page itself."""
        self.is_valid()
        value = self.cleaned_data.get("download")
        return None if not value else ("docx" if value == "docx" else "html")
