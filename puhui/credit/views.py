"""Pages of the rural credit system. Thin: access layer → selectors/services → templates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from puhui.core import lists, periods
from puhui.core.crypto import mask_id_number
from puhui.core.models import Division, User
from puhui.core.service_errors import message_service_error
from puhui.credit import access, selectors, services
from puhui.credit import lists as credit_lists
from puhui.credit.forms import (
    MEMBERS_STEP,
    ArchiveForm,
    ConsentForm,
    MemberFormSet,
    MoveForm,
    OfferForm,
    ScorecardUploadForm,
    error_summary,
)
from puhui.credit.models import HouseholdArchive, Objection, PreCreditLine
from puhui.credit.tasks import households_rate_task
from puhui.jobs.services import job_enqueue
from puhui.registry.access import may_unmask
from puhui.registry.selectors import MaskedHousehold

Role = User.Role
# Member fields the archive form's offline draft never keeps in the browser (offline-draft.js reads them
# from data-draft-exclude): ID numbers, and the references that pair a masked number with the stored one.
DRAFT_EXCLUDED_FIELDS = ("id_number", "id_ref")


@never_cache
@login_required
def worklist(request):
    """Agents: their villages' households with archive status. Others: the archives in their scope."""
    user = request.user
    pending = None
    if access.may_verify(user):
        pending = (
            access.verification_queue_for(user)
            .select_related("household", "village")
            .order_by("updated_at")[:50]
        )
    context = {"pending": pending, "may_edit": access.may_edit_archive(user)}
    return lists.list_response(request, credit_lists.WORKLIST, "credit/worklist.html", context)


def _members_initial(household, archive, known: dict[str, tuple[str, str]]) -> list[dict]:
    """The member rows the form starts with: ID numbers masked, each with its reference (never clear)."""

    def masked(ref: str) -> str:
        return mask_id_number(known[ref][1]) if ref in known else ""

    if archive is None:  # a new archive starts with the registry's head of household
        return [
            {
                "name": household.head_name,
                "relation": "户主",
                "id_number": masked("head"),
                "id_ref": "head" if "head" in known else "",
                "age": household.head_age,
                "is_labour": True,
            }
        ]
    return [
        {
            "name": m.name,
            "relation": m.relation,
            "id_number": masked(f"m{m.pk}"),
            "id_ref": f"m{m.pk}" if f"m{m.pk}" in known else "",
            "age": m.age,
            "is_labour": m.is_labour,
        }
        for m in archive.members.all()
    ]


@never_cache
@login_required
def archive_edit(request, pk):
    household = access.access_household_for_archive_edit(request.user, pk)
    archive = selectors.archive_of(household)
    known = selectors.archive_id_numbers(household, archive)
    member_kwargs = {"known_ids": {ref: number for ref, (_, number) in known.items()}}
    if request.method == "POST":
        form = ArchiveForm(request.POST, instance=archive)
        formset = MemberFormSet(request.POST, prefix="m", form_kwargs=member_kwargs)
        if form.is_valid() and formset.is_valid():
            members = [f.cleaned_data for f in formset if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            members = [{k: v for k, v in m.items() if k not in {"DELETE", "id_ref"}} for m in members]
            try:
                saved = services.archive_save(
                    actor=request.user,
                    household=household,
                    data={k: form.cleaned_data[k] for k in services.EDITABLE_FIELDS},
                    members=members,
                )
            except ValidationError as exc:
                _archive_save_refused(request, form, exc)
            else:
                return _after_archive_save(request, household, saved)
    else:
        form = ArchiveForm(instance=archive)
        formset = MemberFormSet(
            prefix="m", initial=_members_initial(household, archive, known), form_kwargs=member_kwargs
        )
    if archive is not None:
        services.archive_view_log(actor=request.user, household=household)
    filled, required = form.filled()
    return render(
        request,
        "credit/archive_form.html",
        {
            "household": MaskedHousehold(household),
            "pk": household.pk,
            "form": form,
            "formset": formset,
            "steps": form.steps(),
            "members_step": MEMBERS_STEP,
            "errors": error_summary(form, formset) if form.is_bound else [],
            "filled": filled,
            "required": required,
            "archive": archive,
            "may_unmask": may_unmask(request.user),
            "draft_exclude": " ".join(DRAFT_EXCLUDED_FIELDS),
        },
    )


def _archive_save_refused(request, form, exc: ValidationError) -> None:
    """A model check the form could not make: into the form (and so the summary) where it names a field."""
    try:
        form.add_error(None, exc)
    except ValueError:  # names a field the form does not have
        message_service_error(request, exc)


def _after_archive_save(request, household, saved):
    """保存 goes to the household's page; 保存并下一户 to the next household still to collect (by code, so
    the same village first), or back to the work list when every household in scope is done."""
    done = f"已保存 {household.head_name} 家的档案，完整度 {saved.completeness}%。"
    if request.POST.get("then") != "next":
        messages.success(request, done)
        return redirect("credit_household", pk=household.pk)
    following = selectors.next_household_to_collect(access.credit_households_for(request.user), household)
    if following is None:
        messages.success(request, done + "范围内的农户档案都已填写完整。")
        return redirect("credit_worklist")
    messages.success(request, done + f"下一户：{following.head_name}（{following.code}）。")
    return redirect("credit_archive_edit", pk=following.pk)


@never_cache
@login_required
@require_POST
def archive_unmask(request, pk):
    """显示明文 for one ID number of the archive form (htmx fragment), logged. Other roles and scopes: 404."""
    household = access.access_household_for_archive_unmask(request.user, pk)
    try:
        value = services.archive_id_unmask(
            actor=request.user, household=household, ref=request.POST.get("ref", "")
        )
    except KeyError:
        raise Http404 from None
    if request.headers.get("HX-Request"):
        return render(request, "includes/clear_value.html", {"value": value})
    return render(
        request, "credit/clear_value.html", {"value": value, "household": MaskedHousehold(household)}
    )


@never_cache
@login_required
def household(request, pk):
    user = request.user
    hh = access.access_household_for_page(user, pk)
    archive = selectors.archive_of(hh)
    services.archive_view_log(actor=user, household=hh)
    rating = selectors.current_rating(hh)
    missing = services.archive_completeness(archive)[1] if archive else []
    lines = access.lines_for(user).filter(household=hh).select_related("bank").order_by("-offered_at")
    rule_limit = None
    if access.may_offer(user) and archive and archive.counts_as_archived:
        rule_limit = services.household_limit(hh)[0]
    own = user.role == Role.PUBLIC and user.household_id == hh.pk  # the page's wording for the farmer
    return render(
        request,
        "credit/household.html",
        {
            "hh": MaskedHousehold(hh),
            "pk": hh.pk,
            "archive": archive,
            "missing": missing,
            "rating": rating,
            "consents": access.consents_for(user).filter(household=hh).order_by("-granted_at")
            if access.may_see_consents(user)
            else None,
            "objections": access.objections_for(user).filter(household=hh).order_by("-raised_at"),
            "lines": lines,
            "own": own,
            "may_edit": access.may_edit_archive(user),
            "may_verify": access.may_verify(user)
            and archive
            and archive.status == HouseholdArchive.Status.SUBMITTED
            and archive.is_complete,
            "may_offer": access.may_offer(user) and rule_limit,
            "rule_limit": rule_limit,
            "may_consent": access.may_manage_consent(user, hh),
            "may_answer": access.may_answer_objection(user),
            "consent_form": ConsentForm(initial={"granted_by_name": hh.head_name}),
            "offer_form": OfferForm(),
            "move_form": MoveForm(),
        },
    )


@login_required
@require_POST
def archive_verify(request, pk):
    archive = access.access_archive_for_verify(request.user, pk)
    try:
        services.archive_verify(actor=request.user, archive=archive)
        rating = services.household_rate(actor=request.user, household=archive.household)
    except ValidationError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, f"已核实，评级结果：{rating.grade}（{rating.score} 分）。")
    return redirect("credit_household", pk=pk)


@login_required
@require_POST
def household_rate(request, pk):
    hh = access.access_household_for_rate(request.user, pk)
    try:
        rating = services.household_rate(actor=request.user, household=hh)
    except ValidationError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, f"已重新评级：{rating.grade}（{rating.score} 分）。")
    return redirect("credit_household", pk=pk)


@login_required
@require_POST
def consent_add(request, pk):
    user = request.user
    hh = access.access_household_for_consent(user, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.consent_record(actor=user, household=hh, **form.cleaned_data)
            messages.success(request, "已记录授权。")
        except ValidationError as exc:
            message_service_error(request, exc)
    else:
        messages.error(request, "授权信息填写不完整。")
    return redirect("credit_household", pk=pk)


@login_required
@require_POST
def consent_revoke(request, pk):
    user = request.user
    consent = access.access_consent_for_revoke(user, pk)
    services.consent_revoke(actor=user, consent=consent)
    messages.success(request, "已撤回授权；下次评级起不再使用相关数据。")
    return redirect("credit_household", pk=consent.household_id)


@login_required
@require_POST
def objection_add(request, pk):
    user = request.user
    hh = access.access_household_for_objection(user, pk)
    try:
        o = services.objection_raise(actor=user, household=hh, text=request.POST.get("text", ""))
        messages.success(request, f"异议已提交，将在 {o.due_on:%Y年%m月%d日} 前书面答复。")
    except ValidationError as exc:
        message_service_error(request, exc)
    return redirect("credit_household", pk=pk)


@never_cache
@login_required
def objection_list(request):
    qs = (
        access.objections_to_answer_for(request.user)
        .select_related("household")
        .order_by("answered_at", "due_on")
    )
    return render(request, "credit/objections.html", {"objections": qs[:200], "today": timezone.localdate()})


@login_required
@require_POST
def objection_answer(request, pk):
    objection = access.access_objection_for_answer(request.user, pk)
    try:
        services.objection_answer(
            actor=request.user, objection=objection, answer=request.POST.get("answer", "")
        )
        messages.success(request, "已答复。")
    except ValidationError as exc:
        message_service_error(request, exc)
    return redirect("credit_household", pk=objection.household_id)


@login_required
@require_POST
def line_offer(request, pk):
    user = request.user
    hh = access.access_household_for_offer(user, pk)
    form = OfferForm(request.POST)
    if form.is_valid():
        try:
            services.line_offer(
                actor=user,
                household=hh,
                limit=form.cleaned_data["limit"],
                valid_until=form.cleaned_data["valid_until"],
            )
            messages.success(request, "已预授信，待农户确认。")
        except ValidationError as exc:
            message_service_error(request, exc)
    else:
        messages.error(request, "请填写有效期。")
    return redirect("credit_household", pk=pk)


@never_cache
@login_required
def line_list(request):
    """The bank's pre-credit list (its own lines only); other roles: lines in their scope."""
    return lists.list_response(request, credit_lists.LINES, "credit/lines.html")


@login_required
@require_POST
def line_respond(request, pk):
    user = request.user
    line = access.access_line_for_respond(user, pk)
    try:
        services.line_respond(actor=user, line=line, accept=request.POST.get("accept") == "1")
        messages.success(request, "已确认授信。" if request.POST.get("accept") == "1" else "已拒绝授信。")
    except ValidationError as exc:
        message_service_error(request, exc)
    return redirect("credit_household", pk=line.household_id)


@login_required
@require_POST
def line_move(request, pk):
    user = request.user
    line = access.access_line_for_move(user, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.line_move(actor=user, line=line, **form.cleaned_data)
            messages.success(request, "已办理。")
        except ValidationError as exc:
            message_service_error(request, exc)
    else:
        messages.error(request, "金额不正确。")
    return redirect("credit_household", pk=line.household_id)


def _year(request) -> dict:
    """The year a credit page shows (`core.periods.choose`): the one asked for, else the latest year
    with credit data (this year when there is none). The context adds the years to offer and, for a
    year without data, a notice saying so. A malformed year is a 404."""
    asked = (request.GET.get("year") or "").strip()
    if asked and _parse_year(asked) is None:
        raise Http404
    years = [str(y) for y in selectors.credit_years()]
    choice = periods.choose(asked, years, default=str(timezone.localdate().year))
    offered = years if choice.code in years else [choice.code, *years]
    return {
        "year": int(choice.code),
        "years": [(y, periods.label(y)) for y in offered],
        "year_notice": choice.notice,
        "latest_href": f"?year={choice.latest}" if choice.latest and not choice.has_data else "",
        "latest_label": periods.label(choice.latest) if choice.latest else "",
    }


def _parse_year(value) -> int | None:
    """A year from 2000 to 2100 (empty: this year), or None for anything else."""
    text = str(value or timezone.localdate().year).strip()
    return int(text) if text.isascii() and text.isdigit() and 2000 <= int(text) <= 2100 else None


def _town_map(t: Division, rows: list[dict], *, highlight: int | None = None) -> dict:
    """The town's map: village areas when every village has a boundary, else the town's outline with
    the villages as points at their seats."""
    regions = selectors.village_regions(t)
    items = []
    for r in rows:
        url = reverse("credit_village", args=[r["pk"]]) if highlight is None or r["pk"] != highlight else None
        items.append({**r, "url": url, "highlight": r["pk"] == highlight})
    return selectors.area_map(
        items=items,
        outline=t.boundary,
        regions=regions if regions and len(regions) == len(rows) else None,
    )


@login_required
def village(request, pk):
    user = request.user
    v = access.access_credit_village_by_id(user, pk)
    picked = _year(request)
    year = picked["year"]
    context = {"village": v, **picked, **selectors.village_page(v, year=year)}
    town = v.parent
    context["may_see_town"] = access.may_see_town(user, town)
    villages = access.credit_map_villages_for(user, town)  # an agent: only their own villages
    context["area_map"] = _town_map(town, selectors.village_rows(villages, year=year), highlight=v.pk)
    context["metrics"] = selectors.MAP_METRICS
    context["map_title"] = f"{town.name}各村分布（本村突出显示）"
    return render(request, "credit/village.html", context)


@login_required
def town(request, pk):
    """A town's 建档率, 预授信率, credit households and villages, designation, its villages and a map."""
    t = access.access_credit_town_by_id(request.user, pk)
    picked = _year(request)
    page = selectors.town_page(t, year=picked["year"])
    return render(
        request,
        "credit/town.html",
        {
            "town": t,
            **picked,
            **page,
            "area_map": _town_map(t, page["rows"]),
            "metrics": selectors.MAP_METRICS,
        },
    )


@login_required
def towns(request):
    """The county overview: every town the user may see, with a town map coloured by a figure. A town
    official sees one town: the entry opens its page (with the same query, e.g. the year)."""
    visible = access.credit_towns_overview_for(request.user)
    if request.user.role == Role.TOWN:
        url = reverse("credit_town", args=[visible.get().pk])
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    picked = _year(request)
    year = picked["year"]
    rows = selectors.towns_overview(visible, year=year)
    for r in rows:
        r["url"] = reverse("credit_town", args=[r["pk"]])
    county = selectors.the_county()
    return render(
        request,
        "credit/towns.html",
        {
            "county": county,
            **picked,
            "rows": rows,
            "total": selectors.towns_total(rows),
            "precredit_on": selectors.precredit_on(year),
            "area_map": selectors.area_map(items=rows, regions=rows),
            "metrics": selectors.MAP_METRICS,
        },
    )


@login_required
def scorecards(request):
    versions = access.scorecards_for(request.user)  # the shipped card is installed by migrate
    return render(
        request,
        "credit/scorecards.html",
        {
            "versions": versions.select_related("promoted_by").order_by("-created_at"),
            # The designation form proposes the latest year with credit data (any year may be typed).
            "year": (selectors.credit_years() or [timezone.localdate().year])[0],
            "upload_form": ScorecardUploadForm(),
        },
    )


@login_required
def scorecard_report(request, pk):
    """A version's points table and, for a statistical one, its validation report; the office
    reviews it here and promotes the version."""
    version = access.access_scorecard_by_id(request.user, pk)
    report = selectors.model_report(version.report) if version.report else None
    return render(
        request,
        "credit/scorecard_report.html",
        {
            "version": version,
            "points": selectors.scorecard_points(version.spec),
            "report": report,
            "needs_review": version.kind == "statistical",
        },
    )


@login_required
def scorecard_upload(request):
    """The office adds a version from a file written by `puhui credit train`; it lands as a draft."""
    access.require_credit_manager(request.user)
    if request.method == "POST":
        form = ScorecardUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                version = services.scorecard_add(
                    actor=request.user,
                    spec=form.cleaned_data["model_file"],
                    report=form.cleaned_data["report_file"],
                )
            except ValidationError as exc:
                for m in exc.messages:
                    form.add_error(None, m)
            else:
                messages.success(request, f"已上传评分卡 {version}（待审核），请审核验证报告后启用。")
                return redirect("credit_scorecard_report", pk=version.pk)
    else:
        form = ScorecardUploadForm()
    return render(request, "credit/scorecard_upload.html", {"form": form})


@login_required
@require_POST
def scorecard_promote(request, pk):
    version = access.access_scorecard_by_id(request.user, pk)
    try:
        services.scorecard_promote(
            actor=request.user, version=version, reviewed=request.POST.get("reviewed") == "1"
        )
    except ValidationError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, f"已启用评分卡 {version}。")
    return redirect("credit_scorecard_report", pk=pk)


@login_required
@require_POST
def rate_all(request):
    access.require_credit_manager(request.user)
    job = job_enqueue(
        actor=request.user, task=households_rate_task, label="全县农户信用评级", actor_id=request.user.pk
    )
    messages.success(request, f"已提交后台任务 #{job.pk}。")
    return redirect("credit_scorecards")


@login_required
@require_POST
def designations_evaluate(request):
    access.require_credit_manager(request.user)
    year = _parse_year(request.POST.get("year"))
    if year is None:
        messages.error(request, "评定年份无效：请填写 2000–2100 之间的年份。")
        return redirect("credit_scorecards")
    out = services.designations_evaluate(actor=request.user, year=year)
    messages.success(request, f"{year}年评定完成：信用村 {out['village']} 个，信用乡镇 {out['town']} 个。")
    return redirect("credit_scorecards")


@never_cache
@login_required
def access_log(request):
    """Every opening of a credit archive, for the office."""
    return lists.list_response(request, credit_lists.ACCESS_LOG, "credit/access_log.html")


def objection_overdue(objection: Objection) -> bool:
    return not objection.answered_at and objection.due_on < timezone.localdate()


__all__ = ["PreCreditLine"]


@login_required
def mine(request):
    """A farmer's own credit page (the navigation entry “我的信用”)."""
    return redirect("credit_household", pk=access.own_household_id(request.user))
