"""Path parameters and cross-tenant writes of the platform's first apps (core: organisations, users and
notifications; registry; API tokens; jobs; plan; index; credit; data) for bench/bench_security.py. In scope = in
the app's own access querysets (`organisations_for`, `credit_households_for`, `submissions_for`, …), so that an
answer for an id outside counts as a leak. Built with bench_security's IdParam, ChoiceParam and scope(), like
the other `security_params_*` modules."""

from django.db.models import QuerySet

from bench.security_params_sampling import only_if
from puhui.api import access as api_access
from puhui.api.models import ApiToken
from puhui.core import access as core_access
from puhui.core import notifications as core_notifications
from puhui.core.models import Division, Notification, Organisation, ServicePoint, Terminal, User
from puhui.credit import access as credit_access
from puhui.credit.models import Consent, HouseholdArchive, Objection, PreCreditLine, ScorecardVersion
from puhui.data import access as data_access
from puhui.data import catalogue
from puhui.data.models import Indicator, IndicatorValue, ReportingPeriod, Submission, Target, Upload
from puhui.imports import access as imports_access
from puhui.imports.models import ImportRun
from puhui.index import access as index_access
from puhui.index.models import IndexRun, IndexScore
from puhui.jobs import access as jobs_access
from puhui.jobs.launchers import launcher_for, launchers
from puhui.jobs.models import Job
from puhui.plan import access as plan_access
from puhui.plan.models import (
    AssessmentScheme,
    Bulletin,
    DelayRequest,
    Evidence,
    LeadingGroupMember,
    Milestone,
    ProgressReport,
    SupervisionNotice,
    Task,
)
from puhui.registry import access as registry_access
from puhui.registry.models import Firm, Household

# ------------------------------------------------------------------------------------------------ scopes


def _credit_page_scope(scope):
    """A household's credit page: its credit scope, plus (a bank) archives waiting in its verification queue."""
    own_of = scope(credit_access.credit_households_for, Household)
    queue_of = scope(credit_access.verification_queue_for, HouseholdArchive)

    def households(user) -> QuerySet:
        own, queue = own_of(user), queue_of(user)
        return Household.objects.filter(pk__in=own.values("pk")) | Household.objects.filter(
            pk__in=queue.values("household_id")
        )

    return households


def _credit_village_scope(user) -> QuerySet:
    villages = Division.objects.filter(level=Division.Level.VILLAGE)
    if not user.is_authenticated or user.role == User.Role.PUBLIC:
        return villages.none()
    if user.role == User.Role.AGENT:
        return villages.filter(pk__in=user.villages.values("pk"))
    if user.role == User.Role.TOWN:
        return villages.filter(parent_id=user.town_id)
    return villages


def _towns_if(predicate):
    towns = Division.objects.filter(level=Division.Level.TOWN)
    return lambda user: towns if predicate(user) else towns.none()


def form_codes() -> list:
    return sorted(catalogue.forms())


def _form_allowed(user, code) -> bool:
    org = data_access.submitting_organisation(user) if user.is_authenticated else None
    return org is not None and any(f.code == code for f in catalogue.forms_for_organisation(org))


def _periods():
    codes = list(ReportingPeriod.objects.order_by("-start").values_list("code", flat=True)[:2])
    return codes + ["2099Q9"]


def _index_codes():
    return list(IndexScore.objects.order_by().values_list("code", flat=True).distinct()[:3]) + ["nope"]


def _target_codes():
    return list(Target.objects.filter(is_current=True).values_list("code", flat=True)[:3]) + ["NOPE"]


def _indicator_codes():
    return list(Indicator.objects.filter(is_current=True).values_list("code", flat=True)[:3]) + ["NOPE"]


def _import_kinds():
    from puhui.imports.tables import tables

    return list(tables())[:3] + ["nope"]


# ------------------------------------------------------------------------------------------------ parameters


def core_shared(IdParam, scope) -> dict:
    """The parameters the pages and the API both use (`bench/security_params_api.py` takes them)."""
    return {
        "organisation": IdParam(Organisation, scope(core_access.organisations_for, Organisation)),
        "report": IdParam(ProgressReport, scope(plan_access.reports_for, ProgressReport)),
        "line": IdParam(PreCreditLine, scope(credit_access.lines_for, PreCreditLine)),
        "upload": IdParam(Upload, scope(data_access.uploads_for, Upload)),
        "submission": IdParam(Submission, scope(data_access.submissions_for, Submission)),
    }


def _core_pages(IdParam, scope, ChoiceParam, shared) -> dict:
    """Organisations, users, the registry, tokens, imports and jobs."""
    user_param = IdParam(User, scope(core_access.users_for, User))
    household = IdParam(Household, scope(registry_access.households_for, Household))
    job = IdParam(Job, scope(jobs_access.jobs_for, Job))
    return {
        "organisation_detail": {"pk": shared["organisation"]},
        "user_edit": {"pk": user_param},
        "user_reset_password": {"pk": user_param},
        "user_unlock": {"pk": user_param},
        # A sheet is handed out once, by a token only its maker holds: a made-up token is refused to everyone.
        "user_password_sheet_download": {
            "token": ChoiceParam(lambda: ["0123456789abcdef0123456789abcdef-3-x"], lambda user, value: False)
        },
        "household_detail": {"pk": household},
        "household_unmask": {"pk": household},
        "firm_detail": {"pk": IdParam(Firm, scope(registry_access.firms_for, Firm))},
        "token_revoke": {"pk": IdParam(ApiToken, scope(api_access.tokens_for, ApiToken))},
        "import_template": {
            "kind": ChoiceParam(_import_kinds),
            "fmt": ChoiceParam(lambda: ["xlsx", "csv", "pdf"]),
        },
        "job_start": {
            "name": ChoiceParam(
                lambda: [la.name for la in launchers()] + ["no_such_job"],
                lambda u, n: u.is_authenticated and launcher_for(u, n) is not None,
            )
        },
        "job_detail": {"pk": job},
        "job_status": {"pk": job},
    }


def _changeable_households(user) -> QuerySet:
    """`access_household_for_change`: an active household in scope, for a user who may change households."""
    return registry_access.households_for(user).filter(status=Household.Status.ACTIVE)


def _editable_points(user) -> QuerySet:
    """`access_service_point_for_edit`: a point in scope of a bank whose network the user keeps."""
    return core_access.service_points_for(user).filter(bank__in=registry_access.network_banks_for(user))


def _outlets(user) -> QuerySet:
    return core_access.organisations_for(user).filter(level=Organisation.Level.OUTLET)


def _editable_outlets(user) -> QuerySet:
    return _outlets(user).filter(pk__in=registry_access.network_banks_for(user).values("pk"))


def _editable_terminals(user) -> QuerySet:
    return core_access.terminals_for(user).filter(bank__in=registry_access.network_banks_for(user))


def _import_runs(user) -> QuerySet:
    """`imports.access.access_run_by_id`: an importer's own runs; every run for the office and administrators."""
    if not imports_access.can_import(user):
        return ImportRun.objects.none()
    if user.role in imports_access.RUN_READERS:
        return ImportRun.objects.all()
    return ImportRun.objects.filter(started_by_id=user.pk)


def _registry_pages(IdParam, scope) -> dict:
    """The registry's lifecycle pages (household changes, the service network, a firm's deregistration) and the
    import run page."""
    may_edit = registry_access.may_edit_network
    household = IdParam(
        Household, scope(only_if(registry_access.may_change_households, _changeable_households), Household)
    )
    point = IdParam(ServicePoint, scope(only_if(may_edit, _editable_points), ServicePoint))
    outlets = Organisation.objects.filter(level=Organisation.Level.OUTLET)
    outlet = IdParam(Organisation, scope(only_if(may_edit, _editable_outlets), Organisation), base=outlets)
    return {
        **{name: {"pk": household} for name in ("household_split", "household_merge", "household_move",
                                                 "household_dissolve")},
        "firm_deregister": {
            "pk": IdParam(Firm, scope(only_if(registry_access.may_edit_firms, registry_access.firms_for), Firm))
        },
        "service_point_detail": {"pk": IdParam(ServicePoint, scope(core_access.service_points_for, ServicePoint))},
        **{name: {"pk": point} for name in ("service_point_upgrade", "service_point_suspend",
                                             "service_point_resume", "service_point_close")},
        "outlet_detail": {"pk": IdParam(Organisation, scope(_outlets, Organisation), base=outlets)},
        "outlet_suspend": {"pk": outlet},
        "outlet_resume": {"pk": outlet},
        "terminal_detail": {"pk": IdParam(Terminal, scope(core_access.terminals_for, Terminal))},
        "terminal_retire": {"pk": IdParam(Terminal, scope(only_if(may_edit, _editable_terminals), Terminal))},
        "import_run": {"pk": IdParam(ImportRun, scope(_import_runs, ImportRun))},
    }  # fmt: skip


def _plan_pages(IdParam, scope, shared) -> dict:
    task = IdParam(Task, scope(plan_access.tasks_for, Task))
    notice = IdParam(SupervisionNotice, scope(plan_access.notices_for, SupervisionNotice))
    scheme = IdParam(AssessmentScheme, scope(plan_access.schemes_for, AssessmentScheme))
    bulletin = IdParam(Bulletin, scope(plan_access.bulletins_for, Bulletin))
    report = shared["report"]
    return {
        **{
            name: {"pk": task}
            for name in ["plan_task_detail", "plan_report_new", "plan_notice_new", "plan_delay_new"]
        },
        "plan_report_detail": {"pk": report},
        "plan_report_review": {"pk": report},
        "plan_evidence_download": {"pk": IdParam(Evidence, scope(plan_access.evidence_for, Evidence))},
        **{
            name: {"pk": notice}
            for name in [
                "plan_notice_detail",
                "plan_notice_respond",
                "plan_notice_remind",
                "plan_notice_close",
                "plan_notice_docx",
            ]
        },
        **{
            name: {
                "pk": IdParam(
                    Milestone, scope(only_if(plan_access.is_office, plan_access.milestones_for), Milestone)
                )
            }
            for name in ["plan_milestone_target", "plan_milestone_close"]
        },
        "plan_delay_decide": {
            "pk": IdParam(DelayRequest, scope(plan_access.delay_requests_for, DelayRequest))
        },
        **{
            name: {"pk": scheme}
            for name in [
                "plan_assessment_detail",
                "plan_assessment_criteria",
                "plan_assessment_compute",
                "plan_score_manual",
                "plan_assessment_docx",
            ]
        },
        **{
            name: {"pk": bulletin}
            for name in ["plan_bulletin_detail", "plan_bulletin_publish", "plan_bulletin_docx"]
        },
        "plan_leading_group_member": {
            "pk": IdParam(LeadingGroupMember, scope(plan_access.leading_group_for, LeadingGroupMember))
        },
        "plan_notification_read": {
            "pk": IdParam(Notification, scope(core_notifications.notifications_for, Notification))
        },
    }


def _index_pages(IdParam, scope, ChoiceParam) -> dict:
    town_codes = _towns_if(index_access.can_view_towns)
    run = IdParam(IndexRun, scope(index_access.runs_for, IndexRun))
    return {
        "index:town": {
            "code": ChoiceParam(
                lambda: list(Division.objects.filter(level="town").values_list("code", flat=True)[:4]),
                lambda u, c: town_codes(u).filter(code=c).exists(),
            )
        },
        "index:indicator": {
            "code": ChoiceParam(_index_codes, lambda u, c: index_access.can_view_towns(u) and c != "nope")
        },
        "index:export": {"pk": run},
        "index:publish": {"pk": run},
        "index:compare": {"pk": run},  # a run the user sees; the view also asks require_manager
    }


def _credit_pages(IdParam, scope, ChoiceParam, shared) -> dict:
    credit_household = IdParam(Household, _credit_page_scope(scope))
    scorecard = IdParam(ScorecardVersion, scope(credit_access.scorecards_for, ScorecardVersion))
    line = shared["line"]
    return {
        **{
            name: {"pk": credit_household}
            for name in [
                "credit_household",
                "credit_archive_edit",
                "credit_archive_unmask",
                "credit_archive_verify",
                "credit_household_rate",
                "credit_consent_add",
                "credit_objection_add",
                "credit_line_offer",
            ]
        },
        "credit_consent_revoke": {"pk": IdParam(Consent, scope(credit_access.consents_for, Consent))},
        "credit_objection_answer": {"pk": IdParam(Objection, scope(credit_access.objections_for, Objection))},
        "credit_line_respond": {"pk": line},
        "credit_line_move": {"pk": line},
        "credit_village": {
            "pk": IdParam(
                Division, _credit_village_scope, base=Division.objects.filter(level=Division.Level.VILLAGE)
            )
        },
        "credit_town": {
            "pk": IdParam(
                Division,
                scope(credit_access.credit_towns_for, Division),
                base=Division.objects.filter(level=Division.Level.TOWN),
            )
        },
        "credit_scorecard_report": {"pk": scorecard},
        "credit_scorecard_promote": {"pk": scorecard},
        "credit_archive_import_template": {"fmt": ChoiceParam(lambda: ["xlsx", "csv", "pdf"])},
    }


def _data_pages(IdParam, scope, ChoiceParam, shared) -> dict:
    target_code = ChoiceParam(
        _target_codes, lambda u, c: scope(data_access.targets_for, Target)(u).filter(code=c).exists()
    )
    indicator_code = ChoiceParam(
        _indicator_codes, lambda u, c: scope(data_access.indicators_for, Indicator)(u).filter(code=c).exists()
    )
    form_code = ChoiceParam(form_codes, _form_allowed)
    period_code = ChoiceParam(_periods)
    submission = shared["submission"]
    return {
        **{
            name: {"form_code": form_code, "period_code": period_code}
            for name in ["data_form", "data_upload_new"]
        },
        "data_template": {
            "form_code": form_code,
            "period_code": period_code,
            "fmt": ChoiceParam(lambda: ["xlsx", "csv", "pdf"]),
        },
        "data_upload": {"pk": shared["upload"]},
        **{
            name: {"pk": submission}
            for name in [
                "data_submission",
                "data_submission_review",
                "data_submission_export",
                "data_submission_file",
            ]
        },
        "data_target": {"code": target_code},
        "data_target_edit": {"code": target_code},
        "data_value": {
            "pk": IdParam(IndicatorValue, scope(data_access.indicator_values_for, IndicatorValue))
        },
        "data_indicator": {"code": indicator_code},
        "data_indicator_edit": {"code": indicator_code},
    }


def core_params(IdParam, scope, ChoiceParam) -> dict:
    """URL name → {path parameter: how to fill it} for the first apps."""
    shared = core_shared(IdParam, scope)
    return {
        **_core_pages(IdParam, scope, ChoiceParam, shared),
        **_registry_pages(IdParam, scope),
        **_plan_pages(IdParam, scope, shared),
        **_index_pages(IdParam, scope, ChoiceParam),
        **_credit_pages(IdParam, scope, ChoiceParam, shared),
        **_data_pages(IdParam, scope, ChoiceParam, shared),
    }


# ------------------------------------------------------------------------------------------ cross-tenant writes


def core_writes(bank, foreign) -> list:
    """(label, URL pattern, ids of other parties' objects, body; None = a GET): the bank user reviews, verifies,
    responds, answers and revokes on other banks' and units' objects, and reads another bank's submitted file.
    Each must answer 404."""
    own_path = bank.organisation.path
    others = dict(institution__path__startswith=own_path)
    queue = credit_access.verification_queue_for(bank).values("household_id")
    customers = credit_access.credit_households_for(bank).values("pk")
    waiting = HouseholdArchive.objects.filter(status=HouseholdArchive.Status.SUBMITTED, is_complete=True)
    other_lines = PreCreditLine.objects.exclude(bank__path__startswith=own_path)
    return [
        ("data_submission_review", "/data/submissions/{}/review/",
         foreign(Submission.objects.exclude(**others)), {"decision": "approve", "comment": "bench"}),
        ("credit_line_respond", "/credit/lines/{}/respond/", foreign(other_lines), {"accept": "1"}),
        ("credit_line_move", "/credit/lines/{}/move/", foreign(other_lines), {"kind": "draw", "amount": "1000"}),
        ("credit_archive_verify", "/credit/households/{}/verify/",
         foreign(
             Household.objects.filter(pk__in=waiting.values("household_id"))
             .exclude(pk__in=queue)
             .exclude(pk__in=customers)
         ), {}),
        ("credit_archive_verify (verified by another bank)", "/credit/households/{}/verify/",
         foreign(
             Household.objects.filter(archive__status=HouseholdArchive.Status.VERIFIED).exclude(pk__in=customers)
         ), {}),
        ("credit_line_offer", "/credit/households/{}/offer/",
         foreign(Household.objects.exclude(pk__in=customers).exclude(pk__in=queue)), {"amount": "50000"}),
        ("credit_objection_answer", "/credit/objections/{}/answer/", foreign(Objection.objects.all()),
         {"answer": "bench", "status": "upheld"}),
        ("credit_consent_revoke", "/credit/consents/{}/revoke/", foreign(Consent.objects.all()), {}),
        ("plan_report_review", "/plan/reports/{}/review/",
         foreign(ProgressReport.objects.exclude(unit_id=bank.organisation_id)), {"decision": "accept"}),
        ("plan_notice_respond", "/plan/notices/{}/respond/",
         foreign(SupervisionNotice.objects.exclude(unit_id=bank.organisation_id)), {"response": "bench"}),
        ("plan_delay_decide", "/plan/delays/{}/decide/",
         foreign(DelayRequest.objects.exclude(unit_id=bank.organisation_id)), {"decision": "approve"}),
        ("data_submission_file", "/data/submissions/{}/file/", foreign(Submission.objects.exclude(**others)), None),
    ]  # fmt: skip
