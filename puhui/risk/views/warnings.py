"""Pages of the early warnings: the list, one warning with its follow-up, the office's dashboard and the rule
versions. Thin: access first (404 for what the user may not see), then selectors; writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from puhui.core import lists
from puhui.core.service_errors import form_add_service_error
from puhui.risk import access
from puhui.risk.forms.warnings import AnswerForm, AssignForm, CloseForm, NoteForm, RuleChangeForm
from puhui.risk.lists import WARNINGS
from puhui.risk.models import WarningNote
from puhui.risk.selectors import warnings as selectors
from puhui.risk.services import warnings as services


@login_required
def warnings(request):
    access.require_warnings(request.user)
    ctx = {"can_keep": access.can_keep_warnings(request.user), "sees_all": access.sees_all(request.user)}
    return lists.list_response(request, WARNINGS, "risk/warnings.html", ctx)


def _page(request, warning, *, status=200, **forms):
    user = request.user
    can_keep = access.can_keep_warnings(user) and warning.is_open
    may_answer = access.may_answer_warning(user, warning)
    ctx = {
        "w": warning,
        "age": selectors.age_days(warning),
        "notes": warning.notes.select_related("organisation"),
        "banks": selectors.banks_named(warning.bank_id_list),
        "can_keep": can_keep,
        "may_answer": may_answer,
        "may_acknowledge": may_answer and warning.acknowledged_at is None,
        "may_note": access.may_note_warning(user, warning),
        "assign_form": forms.get("assign_form")
        or (AssignForm(owners=selectors.owner_choices(), prefix="assign") if can_keep else None),
        "close_form": forms.get("close_form") or CloseForm(prefix="close"),
        "answer_form": forms.get("answer_form") or AnswerForm(prefix="answer"),
        "note_form": forms.get("note_form") or NoteForm(prefix="note"),
        "answer_kind": WarningNote.Kind.ANSWER,
    }
    return render(request, "risk/warning.html", ctx, status=status)


@login_required
def warning(request, pk):
    return _page(request, access.warning_by_id(request.user, pk))


def _act(request, warning, form, key: str, service, success: str):
    if form.is_valid():
        try:
            service(**form.cleaned_data)
        except ValidationError as e:
            form_add_service_error(form, e)
        else:
            messages.success(request, success)
            return redirect("risk:warning", warning.pk)
    warning.refresh_from_db()
    return _page(request, warning, status=400, **{key: form})


@login_required
@require_POST
def warning_assign(request, pk):
    access.require_keep_warnings(request.user)
    w = access.warning_by_id(request.user, pk)
    form = AssignForm(request.POST, owners=selectors.owner_choices(), prefix="assign")

    def assign(owner, note):
        services.warning_assign(actor=request.user, warning=w, owner=owner, note=note)

    name = form.cleaned_data["owner"].name if form.is_valid() else ""
    return _act(request, w, form, "assign_form", assign, f"已指派给{name}，并已通知该单位。")


def _answerable(user, pk):
    """A warning the user's unit answers; any other (seen or not) is 404 for these actions."""
    w = access.warning_by_id(user, pk)
    if not access.may_answer_warning(user, w):
        raise Http404
    return w


@login_required
@require_POST
def warning_acknowledge(request, pk):
    w = _answerable(request.user, pk)
    try:
        services.warning_acknowledge(actor=request.user, warning=w)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, "已签收。")
    return redirect("risk:warning", w.pk)


@login_required
@require_POST
def warning_answer(request, pk):
    w = _answerable(request.user, pk)
    form = AnswerForm(request.POST, prefix="answer")
    return _act(
        request,
        w,
        form,
        "answer_form",
        lambda text: services.warning_answer(actor=request.user, warning=w, text=text),
        "已答复，领导小组办公室将审阅。",
    )


@login_required
@require_POST
def warning_note(request, pk):
    w = access.warning_by_id(request.user, pk)
    if not access.may_note_warning(request.user, w):
        raise Http404
    form = NoteForm(request.POST, prefix="note")
    return _act(
        request,
        w,
        form,
        "note_form",
        lambda text: services.warning_note(actor=request.user, warning=w, text=text),
        "已记录。",
    )


@login_required
@require_POST
def warning_close(request, pk):
    access.require_keep_warnings(request.user)
    w = access.warning_by_id(request.user, pk)
    form = CloseForm(request.POST, prefix="close")
    return _act(
        request,
        w,
        form,
        "close_form",
        lambda note: services.warning_close(actor=request.user, warning=w, note=note),
        "已关闭该预警。",
    )


@login_required
def warnings_dashboard(request):
    access.require_all(request.user)
    return render(request, "risk/warnings_dashboard.html", selectors.dashboard(request.user))


@login_required
def warning_rules(request):
    """The rules in force, the versions before, and (the office) the form for a new version."""
    access.require_all(request.user)
    user = request.user
    current = selectors.current_version()
    ruleset = selectors.ruleset_of(current) if current else services.default_ruleset()
    form = None
    if access.can_keep_warnings(user):
        chosen = ruleset.rule(request.GET.get("rule", ""))
        initial = {}
        if chosen is not None:
            initial = {"rule_code": chosen.code, "min_base": chosen.min_base, **chosen.bands}
        form = RuleChangeForm(request.POST or None, rules=ruleset.rules, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                version = services.rules_change(
                    actor=user,
                    rule_code=data["rule_code"],
                    bands={k: data[k] for k in ("attention", "elevated", "serious")},
                    min_base=data["min_base"],
                    note=data["note"],
                )
            except ValidationError as e:
                form_add_service_error(form, e)
            else:
                messages.success(request, f"已保存为预警规则第 {version.number} 版，此后的评估按新阈值进行。")
                return redirect("risk:warning_rules")
    elif request.method == "POST":
        access.require_keep_warnings(user)
    ctx = {
        "current": current,
        "ruleset": ruleset,
        "rules": selectors.rule_rows_of(ruleset),
        "versions": access.rule_versions_for(user).select_related("created_by")[:50],
        "form": form,
    }
    return render(
        request, "risk/warning_rules.html", ctx, status=400 if form is not None and form.errors else 200
    )
