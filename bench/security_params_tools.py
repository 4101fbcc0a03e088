"""Path parameters of the policy and monetary pages for bench/bench_security.py: which ids are in a user's scope
(by the apps' own access querysets), so that an answer for an id outside it counts as a leak."""

from puhui.core.models import Organisation
from puhui.disposal import access as disposal_access
from puhui.disposal.models import CaseStep, Listing, RiskCase
from puhui.localfin import access as localfin_access
from puhui.localfin.models import BondIssue, Candidate, CreditMutual, EquityDeal
from puhui.monetary import access as monetary_access
from puhui.monetary.models import FinancedLoan, RelendingDraw, RelendingLine, RelendingRepayment
from puhui.outreach import access as outreach_access
from puhui.outreach.models import EventPhoto, MobileEvent, Publicity, SchoolBase
from puhui.policy import access as policy_access
from puhui.policy.models import Evaluation, Objection, ObjectionFile, Result, RuleSetVersion
from puhui.protection import access as protection_access
from puhui.protection.models import Complaint, MediationCase, TypicalCase
from puhui.protection.views import complaints as complaint_views
from puhui.protection.views import mediation as mediation_views
from puhui.risk import access as risk_access
from puhui.risk.models import NetworkGroup, NetworkRun, Warning


def _of_lines(model):
    return lambda user: model.objects.filter(line__in=monetary_access.lines_for(user))


def tools_params(IdParam, scope, ChoiceParam) -> dict:
    """URL name → {parameter: IdParam}, built with bench_security's own IdParam and scope()."""
    evaluation = IdParam(Evaluation, scope(policy_access.evaluations_for, Evaluation))
    result = IdParam(Result, scope(policy_access.results_for, Result))
    objection = IdParam(Objection, scope(policy_access.objections_for, Objection))
    files = IdParam(
        ObjectionFile,
        scope(
            lambda u: ObjectionFile.objects.filter(objection__in=policy_access.objections_for(u)),
            ObjectionFile,
        ),
    )
    line = IdParam(RelendingLine, scope(monetary_access.lines_for, RelendingLine))
    params = {
        **{
            n: {"pk": evaluation}
            for n in ("policy_evaluation", "policy_evaluation_export", "policy_approval_doc")
        },
        **{
            n: {"pk": result}
            for n in (
                "policy_result",
                "policy_result_decide",
                "policy_result_pay",
                "policy_application_doc",
                "policy_objection_add",
            )
        },  # fmt: skip
        "policy_objection_answer": {"pk": objection},
        "policy_objection_file": {"pk": files},
        "policy_rule_version": {
            "pk": IdParam(RuleSetVersion, scope(policy_access.rule_versions_for, RuleSetVersion))
        },
        **{
            f"monetary:{n}": {"pk": line}
            for n in ("line", "line_edit", "draw_add", "repayment_add", "financed_add", "financed_rematch")
        },
        "monetary:draw_delete": {
            "pk": IdParam(RelendingDraw, scope(_of_lines(RelendingDraw), RelendingDraw))
        },
        "monetary:repayment_delete": {
            "pk": IdParam(RelendingRepayment, scope(_of_lines(RelendingRepayment), RelendingRepayment))
        },
        "monetary:financed_delete": {
            "pk": IdParam(FinancedLoan, scope(_of_lines(FinancedLoan), FinancedLoan))
        },
    }
    params.update(_localfin_params(IdParam, scope))
    params.update(_risk_params(IdParam, ChoiceParam, scope))
    params.update(_protection_params(IdParam, ChoiceParam, scope))
    return params


def _localfin_params(IdParam, scope) -> dict:
    local = Organisation.objects.filter(
        kind__in=Organisation.LOCAL_FINANCE_KINDS, level=Organisation.Level.BRANCH
    )  # out of scope: another local organisation, not a bank (those answer 404 to everyone)
    organisation = IdParam(Organisation, scope(localfin_access.organisations_for, Organisation), base=local)
    candidate = IdParam(Candidate, scope(localfin_access.candidates_for, Candidate))
    bond = IdParam(BondIssue, scope(localfin_access.bonds_for, BondIssue))
    deal = IdParam(EquityDeal, scope(localfin_access.equity_for, EquityDeal))
    mutual = IdParam(CreditMutual, scope(localfin_access.mutuals_for, CreditMutual))
    pages = {
        organisation: ("organisation", "licence_edit"),
        candidate: ("candidate_detail", "candidate_edit", "candidate_move"),
        bond: ("bond_edit", "bond_delete"),
        deal: ("equity_edit", "equity_delete"),
        mutual: ("mutual_detail", "mutual_month_add"),
    }
    return {f"localfin:{name}": {"pk": param} for param, names in pages.items() for name in names}


def _risk_params(IdParam, ChoiceParam, scope) -> dict:
    """Risk monitoring and disposal. A group is named by its number in the latest network (the pages' default
    period); in scope = among the groups the user's access gives for that run."""

    def latest():
        return NetworkRun.objects.order_by("-period__start").first()

    def numbers():
        run = latest()
        return [str(n) for n in NetworkGroup.objects.filter(run=run).values_list("number", flat=True)[:200]]

    def group_allowed(user, value):
        run = latest()
        return run is not None and risk_access.groups_for(user, run).filter(number=value).exists()

    def graph_allowed(user, value):
        return risk_access.sees_all(user) and group_allowed(user, value)

    warning = IdParam(Warning, scope(risk_access.warnings_for, Warning))
    case = IdParam(RiskCase, scope(disposal_access.cases_for, RiskCase))
    listing = IdParam(Listing, scope(disposal_access.listings_for, Listing))

    def reportable_steps(user):
        if disposal_access.can_manage(user):
            return CaseStep.objects.all()
        owner = disposal_access.step_owner_of(user)
        return CaseStep.objects.filter(owner=owner) if owner is not None else CaseStep.objects.none()

    step = IdParam(CaseStep, scope(reportable_steps, CaseStep))
    warning_pages = (
        "warning",
        "warning_assign",
        "warning_acknowledge",
        "warning_answer",
        "warning_note",
        "warning_close",
    )
    listing_pages = (
        "listing_detail", "listing_notify", "listing_object", "listing_decide", "listing_settle", "listing_remove",
    )  # fmt: skip
    return {
        "risk:group": {"number": ChoiceParam(numbers, group_allowed)},
        "risk:group_graph": {"number": ChoiceParam(numbers, graph_allowed)},
        **{f"risk:{n}": {"pk": warning} for n in warning_pages},
        **{f"disposal:{n}": {"pk": case} for n in ("case_detail", "step_add", "case_close")},
        "disposal:step_report": {"pk": step},
        **{f"disposal:{n}": {"pk": listing} for n in listing_pages},
    }


def tools_api_params(IdParam, scope) -> dict:
    """Path parameters of the risk, disposal, protection and outreach API operations: a warning, complaint or
    event in the token's scope, a listing published to it."""
    return {
        "warning_id": IdParam(Warning, scope(risk_access.warnings_for, Warning)),
        "listing_id": IdParam(Listing, scope(disposal_access.published_for, Listing)),
        "complaint_id": IdParam(Complaint, scope(protection_access.complaints_for, Complaint)),
        "event_id": IdParam(MobileEvent, scope(outreach_access.events_for, MobileEvent)),
    }


def _unmaskable(user):
    """The complaints whose contact the user may see in clear (the office; the institution handling one)."""
    complaints = protection_access.complaints_for(user).select_related("institution")
    return complaints.filter(
        pk__in=[c.pk for c in complaints if protection_access.may_unmask_contact(user, c)]
    )


def _protection_params(IdParam, ChoiceParam, scope) -> dict:
    """Consumer protection and financial education (#17): complaints, mediation cases, typical cases, events,
    photos, publicity and school bases by their access querysets; an action name is not judged (the view
    answers 404 for one the user may not take)."""
    complaint = IdParam(Complaint, scope(protection_access.complaints_for, Complaint))
    mediation = IdParam(MediationCase, scope(protection_access.mediations_for, MediationCase))
    event = IdParam(MobileEvent, scope(outreach_access.events_for, MobileEvent))
    publicity = IdParam(Publicity, scope(outreach_access.publicity_for, Publicity))
    school = IdParam(SchoolBase, scope(outreach_access.schools_for, SchoolBase))
    photos = IdParam(
        EventPhoto,
        scope(
            lambda u: EventPhoto.objects.filter(event__in=outreach_access.events_for(u).values("pk")),
            EventPhoto,
        ),
    )
    return {
        "protection:complaint_detail": {"pk": complaint},
        "protection:complaint_act": {
            "pk": complaint,
            "action": ChoiceParam(lambda: list(complaint_views.ACTIONS)),
        },
        "protection:complaint_unmask": {"pk": IdParam(Complaint, scope(_unmaskable, Complaint))},
        # The complaint is the one the visitor's tracking session follows, never an id in the path.
        "protection:track_act": {"action": ChoiceParam(lambda: ["feedback", "escalate"])},
        "protection:mediation_detail": {"pk": mediation},
        "protection:agreement": {"pk": mediation},
        "protection:mediation_act": {
            "pk": mediation,
            "action": ChoiceParam(lambda: list(mediation_views.ACTIONS)),
        },
        "protection:typical_publish": {
            "pk": IdParam(TypicalCase, scope(protection_access.typical_for, TypicalCase))
        },
        **{f"outreach:{n}": {"pk": event} for n in ("event_detail", "event_edit", "event_review")},
        **{
            f"outreach:{n}": {"pk": publicity}
            for n in ("publicity_detail", "publicity_edit", "publicity_review")
        },
        **{f"outreach:{n}": {"pk": school} for n in ("school_detail", "school_edit", "school_review")},
        "outreach:photo": {"pk": photos},
    }
