"""Path parameters and cross-tenant reads and writes of the banks' evaluation and the periodic evaluation report
(#14 §4, §5: the bankeval and evaluation apps) for bench/bench_security.py. In scope = in the apps' access
querysets (`bankeval.access.runs_for` / `results_for` / `evidence_for`, `evaluation.access.reports_for`),
narrowed where the page also asks a rule (only the office publishes and scores; the administrator reads the
bulletin too), so that an answer for an id outside counts as a leak: a bank sees its own result in published
runs only, never another bank's."""

from django.urls import reverse

from bench.security_params_sampling import only_if
from puhui.bankeval import access as bankeval_access
from puhui.bankeval.models import Evidence, Result, Run
from puhui.core.models import Organisation
from puhui.evaluation import access as evaluation_access
from puhui.evaluation.models import EvaluationReport


def _scored_banks(user):
    return bankeval_access.county_banks() if bankeval_access.may_manage(user) else Organisation.objects.none()


def _reports(IdParam, scope, may=None):
    fn = evaluation_access.reports_for if may is None else only_if(may, evaluation_access.reports_for)
    return IdParam(EvaluationReport, scope(fn, EvaluationReport))


def evaluation_params(IdParam, scope, ChoiceParam) -> dict:
    """URL name → {parameter: IdParam}, built with bench_security's IdParam and scope()."""
    runs = bankeval_access.runs_for
    return {
        "bankeval:run": {"pk": IdParam(Run, scope(runs, Run))},
        "bankeval:run_publish": {"pk": IdParam(Run, scope(only_if(bankeval_access.may_manage, runs), Run))},
        "bankeval:bulletin": {"pk": IdParam(Run, scope(only_if(bankeval_access.sees_all, runs), Run))},
        "bankeval:result": {"pk": IdParam(Result, scope(bankeval_access.results_for, Result))},
        "bankeval:evidence": {"pk": IdParam(Evidence, scope(bankeval_access.evidence_for, Evidence))},
        "bankeval:qualitative_edit": {
            "bank": IdParam(Organisation, scope(_scored_banks, Organisation)),
            "year": ChoiceParam(lambda: ["2021", "2020"]),
            "item": ChoiceParam(lambda: ["policy", "innovation"]),
        },
        "evaluation:report_detail": {"pk": _reports(IdParam, scope)},
        "evaluation:report_docx": {"pk": _reports(IdParam, scope)},
        "evaluation:report_xlsx": {"pk": _reports(IdParam, scope)},
        "evaluation:report_publish": {"pk": _reports(IdParam, scope, evaluation_access.may_generate)},
    }


def evaluation_api_params(IdParam, scope) -> dict:
    """(path prefix, parameter) → IdParam: `report_id` here is an evaluation report, not the plan's report."""
    return {
        ("/api/v1/evaluation/", "report_id"): _reports(IdParam, scope),
        ("/api/v1/bankeval/", "result_id"): IdParam(Result, scope(bankeval_access.results_for, Result)),
    }


def evaluation_api_lists(IdParam, scope) -> dict:
    return {
        "/bankeval/results": IdParam(Result, scope(bankeval_access.results_for, Result)),
        "/evaluation/reports": _reports(IdParam, scope),
    }


# ------------------------------------------------------------------------------------------ cross-tenant writes


def evaluation_writes(bank, foreign) -> list:
    """(user, label, id → URL, ids of objects the user must not touch, body; None = a GET): each must answer 404.
    The bank user reads another bank's result and an unpublished run, publishes a run, scores its own bank and
    another (the office's work), and downloads the evidence and the bulletin."""
    own = bank.organisation_id

    def url(name):
        return lambda pk: reverse(name, args=[pk])

    def score(pk):
        return reverse("bankeval:qualitative_edit", args=[2021, pk, "policy"])

    return [
        (bank, "bankeval:result (another bank's)", url("bankeval:result"),
         foreign(Result.objects.exclude(bank_id=own)), None),
        (bank, "bankeval:run (unpublished)", url("bankeval:run"), foreign(Run.objects.filter(published_at=None)),
         None),
        (bank, "bankeval:run_publish", url("bankeval:run_publish"), foreign(Run.objects.all()), {}),
        (bank, "bankeval:bulletin", url("bankeval:bulletin"), foreign(Run.objects.all()), None),
        (bank, "bankeval:evidence", url("bankeval:evidence"), foreign(Evidence.objects.all()), None),
        (bank, "bankeval:qualitative_edit", score, foreign(bankeval_access.county_banks()),
         {"points": "5", "reason": "自评"}),
        (bank, "evaluation:report_publish", url("evaluation:report_publish"),
         foreign(EvaluationReport.objects.all()), {}),
    ]  # fmt: skip
