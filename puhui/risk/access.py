"""Who sees risk monitoring. The only road to its rows: pages, exports and the API load here.

- The office (县人民银行, the plan's lead for 二十一) and administrators see every network, group, firm and
  warning; the office keeps them.
- A bank sees the guarantee groups that touch its own borrowers — its own loans itemised, the other banks'
  summed, never named — and the warnings about itself, which it answers.
- A member unit of the linkage mechanism (court, procuratorate, police, finance centre) sees the warnings
  assigned to it. Towns, agents and the public see nothing.
Missing and forbidden look the same: `*_by_id` raise Http404.
"""

from django.db.models import QuerySet
from django.http import Http404

from puhui.core.access import get_or_404, institution_of
from puhui.core.models import User
from puhui.risk.models import NetworkGroup, NetworkGroupBank, NetworkNode, NetworkRun

Role = User.Role
# 方案第二十一条: 牵头单位 县人民银行 (the office); 配合单位 below, by their 方案称谓.
LINKAGE_UNITS = ("县法院", "县检察院", "县公安局", "县金融证券工作服务中心")


def sees_all(user) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def can_manage(user) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


bank_of = institution_of


def linkage_unit_of(user):
    """The member unit of the linkage mechanism a user works for, else None."""
    org = user.organisation if user.is_authenticated and user.role == Role.MEMBER_UNIT else None
    return org if org is not None and org.plan_alias in LINKAGE_UNITS else None


def may_see_networks(user) -> bool:
    return sees_all(user) or bank_of(user) is not None


def require_networks(user) -> None:
    if not may_see_networks(user):
        raise Http404


def require_all(user) -> None:
    if not sees_all(user):
        raise Http404


def require_manage(user) -> None:
    if not can_manage(user):
        raise Http404


def runs_for(user) -> QuerySet[NetworkRun]:
    return (
        NetworkRun.objects.select_related("period") if may_see_networks(user) else NetworkRun.objects.none()
    )


def groups_for(user, run: NetworkRun) -> QuerySet[NetworkGroup]:
    """The office: every group of the run; a bank: the groups in which it lends to a member."""
    groups = NetworkGroup.objects.filter(run=run)
    if sees_all(user):
        return groups
    bank = bank_of(user)
    if bank is None:
        return groups.none()
    return groups.filter(bank_rows__institution=bank)


def group_by_number(user, run: NetworkRun | None, number) -> NetworkGroup:
    if run is None:
        raise Http404
    return get_or_404(groups_for(user, run).select_related("run__period"), number=number)


def nodes_for(user, run: NetworkRun) -> QuerySet[NetworkNode]:
    """Firm rows: the office only (a bank sees groups, not the other banks' borrowers one by one)."""
    return NetworkNode.objects.filter(run=run) if sees_all(user) else NetworkNode.objects.none()


def bank_rows_for(user, group: NetworkGroup | None) -> QuerySet[NetworkGroupBank]:
    """Each bank's part of a group (of every group: None): every bank for the office; a bank its own rows
    only (the rest summed by the caller)."""
    rows = NetworkGroupBank.objects.select_related("institution")
    if group is not None:
        rows = rows.filter(group=group)
    if sees_all(user):
        return rows
    bank = bank_of(user)
    return rows.filter(institution=bank) if bank is not None else rows.none()


# ---- warnings
# The office and administrators see every warning (the office keeps them: assigns, closes, changes the rules);
# a bank the warnings about itself or assigned to it, which it answers; a member unit of the linkage
# mechanism those assigned to it. Everyone else: 404.


def warning_unit_of(user):
    """The organisation whose warnings a user answers: their bank, or their member unit of the mechanism."""
    return bank_of(user) or linkage_unit_of(user)


def may_see_warnings(user) -> bool:
    return sees_all(user) or warning_unit_of(user) is not None


def require_warnings(user) -> None:
    if not may_see_warnings(user):
        raise Http404


def can_keep_warnings(user) -> bool:
    return can_manage(user)


def require_keep_warnings(user) -> None:
    if not can_keep_warnings(user):
        raise Http404


def warnings_for(user) -> QuerySet:
    from puhui.risk.models import Warning

    rows = Warning.objects.select_related("period", "owner", "subject_bank", "rule_version")
    if sees_all(user):
        return rows
    bank = bank_of(user)
    if bank is not None:
        return rows.filter(subject_bank=bank) | rows.filter(owner=bank)
    unit = linkage_unit_of(user)
    return rows.filter(owner=unit) if unit is not None else rows.none()


def warning_by_id(user, pk):
    return get_or_404(warnings_for(user), pk=pk)


def may_answer_warning(user, warning) -> bool:
    """The owner unit's staff, while the warning is assigned to them and not closed."""
    unit = warning_unit_of(user)
    return (
        unit is not None
        and warning.owner_id == unit.pk
        and warning.status in {warning.Status.ASSIGNED, warning.Status.ANSWERED}
    )


def may_note_warning(user, warning) -> bool:
    return warning.is_open and (can_keep_warnings(user) or may_answer_warning(user, warning))


def rule_versions_for(user) -> QuerySet:
    from puhui.risk.models import WarningRuleVersion

    return WarningRuleVersion.objects.all() if sees_all(user) else WarningRuleVersion.objects.none()
