"""Who sees consumer protection. The only road to its rows: pages, exports, the API and the hooks load here.

Complaints (投诉):
- The office (县人民银行, which supervises complaint handling) and administrators: every complaint; the office
  records letters and 12363 cases, takes escalations and closes.
- A financial institution: the complaints routed to it (or to one of its outlets); it records walk-ins and
  calls, answers, extends, transfers.
- A public user: the complaints they filed signed in. An anonymous complainant follows their own complaint
  by its tracking code and the last 4 digits of the phone (views, session-bound).
- Member units, towns and agents: none (the court and 司法局 see the mediation cases, not the complaints).

Mediation (调解) and the court chain:
- The office, administrators and 县司法局 (which manages the mediation organisations): every case; the
  office and 司法局 record sessions, agreements and the application for 司法确认.
- 县法院: the cases it referred before filing (诉前调解) and every case brought to it for 司法确认; it records
  acceptance, ruling and enforcement.
- A financial institution: the cases it is a party to. A public user: the cases of their own complaints.
Missing and forbidden look the same: `access_*` raise Http404.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from puhui.core.access import get_or_404, institution_of
from puhui.core.models import Organisation, User
from puhui.protection.models import Complaint, MediationCase, MediationOrg, TypicalCase

Role = User.Role
COURT_ALIAS = "县法院"
JUSTICE_ALIAS = "县司法局"


def sees_all(user) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def is_office(user) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


def require_office(user) -> None:
    if not is_office(user):
        raise Http404


bank_of = institution_of


def _unit_alias(user) -> str:
    if user.is_authenticated and user.role == Role.MEMBER_UNIT and user.organisation_id:
        return user.organisation.plan_alias or ""
    return ""


def is_court(user) -> bool:
    return _unit_alias(user) == COURT_ALIAS


def is_justice(user) -> bool:
    return _unit_alias(user) == JUSTICE_ALIAS


def is_public(user) -> bool:
    return user.is_authenticated and user.role == Role.PUBLIC


# ---------------------------------------------------------------- complaints


def complaints_for(user) -> QuerySet[Complaint]:
    qs = Complaint.objects.select_related("institution")
    if sees_all(user):
        return qs
    bank = bank_of(user)
    if bank is not None:
        # The bank and its outlets as a list of ids: an OR across a join would read every complaint.
        outlets = Organisation.objects.filter(parent=bank).values_list("pk", flat=True)
        return qs.filter(institution_id__in=[bank.pk, *outlets])
    if is_public(user):
        return qs.filter(complainant=user)
    return qs.none()


def may_see_complaints(user) -> bool:
    return sees_all(user) or bank_of(user) is not None


def require_complaints(user) -> None:
    if not may_see_complaints(user):
        raise Http404


def access_complaint_by_id(user, pk) -> Complaint:
    return get_or_404(complaints_for(user), pk=pk)


def may_record(user) -> bool:
    """Staff intake: a bank (walk-ins, calls) or the office (letters, 12363)."""
    return is_office(user) or bank_of(user) is not None


def handles(user, complaint: Complaint) -> bool:
    """The institution the complaint is routed to acts on it (answer, extension, transfer)."""
    bank = bank_of(user)
    return bank is not None and bank.pk in (complaint.institution_id, complaint.institution.parent_id)


def may_unmask_contact(user, complaint: Complaint) -> bool:
    """The complainant's phone and ID number in clear: for the institution handling it (to call back) and
    the office; each view is logged."""
    return is_office(user) or handles(user, complaint)


def access_complaint_for_unmask(user, pk) -> Complaint:
    complaint = access_complaint_by_id(user, pk)
    if not may_unmask_contact(user, complaint):
        raise Http404
    return complaint


# ---------------------------------------------------------------- mediation


def mediations_for(user) -> QuerySet[MediationCase]:
    qs = MediationCase.objects.select_related("institution", "org", "mediator", "complaint")
    if sees_all(user) or is_justice(user):
        return qs
    if is_court(user):
        return qs.filter(Q(source=MediationCase.Source.COURT) | Q(confirm_applied_on__isnull=False))
    bank = bank_of(user)
    if bank is not None:
        return qs.filter(Q(institution=bank) | Q(institution__parent=bank))
    if is_public(user):
        return qs.filter(complaint__complainant=user)
    return qs.none()


def may_see_mediations(user) -> bool:
    return sees_all(user) or is_justice(user) or is_court(user) or bank_of(user) is not None


def require_mediations(user) -> None:
    if not (may_see_mediations(user) or is_public(user)):
        raise Http404


def access_mediation_by_id(user, pk) -> MediationCase:
    return get_or_404(mediations_for(user), pk=pk)


def may_mediate(user) -> bool:
    """Records sessions, agreements and the application for 司法确认: the office and 县司法局."""
    return is_office(user) or is_justice(user)


def may_open_mediation(user) -> bool:
    """A case is brought by the office (an escalated complaint), a bank, 县司法局 or the court (诉前)."""
    return may_mediate(user) or bank_of(user) is not None or is_court(user)


def require(flag: bool) -> None:
    if not flag:
        raise Http404


def orgs_for(user) -> QuerySet[MediationOrg]:
    return MediationOrg.objects.all() if may_see_mediations(user) else MediationOrg.objects.none()


def may_manage_orgs(user) -> bool:
    """The register of mediation organisations: 县司法局 manages it, the office helps."""
    return is_justice(user) or is_office(user)


def may_see_stats(user) -> bool:
    return sees_all(user) or is_court(user) or is_justice(user)


# ---------------------------------------------------------------- typical cases


def typical_for(user) -> QuerySet[TypicalCase]:
    if sees_all(user):
        return TypicalCase.objects.all()
    return TypicalCase.objects.filter(published_on__isnull=False)


# ---------------------------------------------------------------- the menu's `when`


def may_list_complaints(user) -> bool:
    """Staff in scope, and a public user who filed a complaint signed in."""
    return may_see_complaints(user) or (
        is_public(user) and Complaint.objects.filter(complainant=user).exists()
    )


def may_list_mediations(user) -> bool:
    return may_see_mediations(user) or (is_public(user) and mediations_for(user).exists())


def may_see_statistics(user) -> bool:
    return may_see_stats(user) or bank_of(user) is not None
