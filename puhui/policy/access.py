"""Who sees and decides which incentive results. The only road to them: pages, API and exports load here.

- The office (县人民银行 runs the leading group's office) and administrators see every result; the office
  decides every rule and runs the evaluation.
- A member unit that grants rules (县财政局 for the fiscal ones: `Result.grantor` is its 方案称谓) sees the
  results of its rules, runs the evaluation and decides them. Other member units see none.
- A bank sees its own results only (its organisation and any unit under it), may object to them, and never
  sees another bank's figures. Towns, agents and the public see nothing.
Missing and forbidden look the same: `access_*_by_id` raise Http404.
"""

from django.db.models import QuerySet
from django.http import Http404

from puhui.core.access import get_or_404
from puhui.core.models import User
from puhui.policy.models import Evaluation, Objection, ObjectionFile, Result, RuleSetVersion, rules_from_text

Role = User.Role


def _grantor_alias(user) -> str:
    """The member unit's 方案称谓 (e.g. 县财政局), by which its rules name it as grantor."""
    if user.is_authenticated and user.role == Role.MEMBER_UNIT and user.organisation_id:
        return user.organisation.plan_alias
    return ""


def _sees_all(user) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def results_for(user: User) -> QuerySet[Result]:
    qs = Result.objects.select_related("institution", "evaluation__rules")
    if _sees_all(user):
        return qs
    alias = _grantor_alias(user)
    if alias:
        return qs.filter(grantor=alias)
    if user.is_authenticated and user.role == Role.INSTITUTION and user.organisation_id:
        return qs.filter(institution__path__startswith=user.organisation.path)
    return qs.none()


def access_result_by_id(user: User, pk) -> Result:
    return get_or_404(results_for(user), pk=pk)


def can_read_policy(user: User) -> bool:
    """Whether the incentive pages are for this user at all (a member unit only if it grants a rule)."""
    if _sees_all(user) or (user.is_authenticated and user.role == Role.INSTITUTION):
        return True
    return _is_grantor(user)


def _is_grantor(user) -> bool:
    alias = _grantor_alias(user)
    return bool(alias) and alias in granting_units()


def granting_units() -> frozenset[str]:
    """The grantors the rules in force name (县财政局, 县人民银行)."""
    from puhui.policy.selectors import rules_text_current  # selectors read through access: import when called

    return frozenset(r.grantor for r in rules_from_text(rules_text_current()).rules)


def require_reader(user: User) -> None:
    if not can_read_policy(user):
        raise Http404


def can_run(user: User) -> bool:
    """The office, and a unit that grants a rule, evaluate a year (each then decides its own rules)."""
    return (user.is_authenticated and user.role == Role.OFFICE) or _is_grantor(user)


def require_runner(user: User) -> None:
    if not can_run(user):
        raise Http404


def can_decide(user: User, result: Result) -> bool:
    if not user.is_authenticated:
        return False
    return user.role == Role.OFFICE or (bool(_grantor_alias(user)) and result.grantor == _grantor_alias(user))


def access_result_for_decision(user: User, pk) -> Result:
    """A result this user decides (and pays, and answers objections to); 404 otherwise."""
    result = access_result_by_id(user, pk)
    if not can_decide(user, result):
        raise Http404
    return result


def can_object(user: User, result: Result) -> bool:
    """A bank objects to its own result (results_for already limits it to its own)."""
    return user.is_authenticated and user.role == Role.INSTITUTION


def can_edit_rules(user: User) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


def require_rule_editor(user: User) -> None:
    if not can_edit_rules(user):
        raise Http404


def evaluations_for(user: User) -> QuerySet[Evaluation]:
    return Evaluation.objects.all() if can_read_policy(user) else Evaluation.objects.none()


def rule_versions_for(user: User) -> QuerySet[RuleSetVersion]:
    return RuleSetVersion.objects.all() if can_read_policy(user) else RuleSetVersion.objects.none()


def access_rule_version_by_id(user: User, pk) -> RuleSetVersion:
    return get_or_404(rule_versions_for(user), pk=pk)


def objections_for(user: User) -> QuerySet[Objection]:
    return Objection.objects.filter(result__in=results_for(user))


def access_objection_by_id(user: User, pk) -> Objection:
    return get_or_404(objections_for(user).select_related("result"), pk=pk)


def access_objection_file_by_id(user: User, pk) -> ObjectionFile:
    return get_or_404(ObjectionFile.objects.filter(objection__in=objections_for(user)), pk=pk)


def objections_to_answer(user: User) -> QuerySet[Objection]:
    """Unanswered objections to the rules this user decides."""
    qs = Objection.objects.filter(answer="")
    if user.is_authenticated and user.role == Role.OFFICE:
        return qs
    if _is_grantor(user):
        return qs.filter(result__grantor=_grantor_alias(user))
    return qs.none()
