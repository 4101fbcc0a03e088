"""Pages of financial education and outreach. Thin: access first (404 for those who may not see), then
selectors; writes through services, whose refusals are shown on the form that was sent. The three kinds of
record share one set of page functions, told apart by `KINDS`."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from puhui.core import lists
from puhui.core.service_errors import run_on_form
from puhui.outreach import access, forms
from puhui.outreach.lists import EVENTS, PUBLICITY, SCHOOLS
from puhui.outreach.selectors import figures
from puhui.outreach.selectors import records as selectors
from puhui.outreach.services import photos as photo_services
from puhui.outreach.services import records as services
from puhui.outreach.services.review import record_review


@dataclass(frozen=True)
class Kind:
    key: str  # url names: <key>s / <key>_add / <key>_detail / <key>_edit / <key>_review
    list_name: str
    title: str
    spec: object
    may_see: object
    may_add: object
    by_id: object
    for_edit: object
    may_edit: object
    form: type
    create: object
    update: object
    record_arg: str
    fields: tuple


KINDS = {
    "event": Kind(
        "event", "events", "流动银行“三进”活动", EVENTS, access.may_see_events, access.may_add_event,
        access.access_event_by_id, access.access_event_for_edit, access.may_edit_event, forms.EventForm,
        services.event_create, services.event_update, "event",
        ("held_on", "place_type", "town", "place", "services", "people_served", "note"),
    ),
    "publicity": Kind(
        "publicity", "publicity", "金融知识宣传活动", PUBLICITY, access.may_see_publicity,
        access.may_add_publicity, access.access_publicity_by_id, access.access_publicity_for_edit,
        access.may_edit_publicity, forms.PublicityForm, services.publicity_create, services.publicity_update,
        "record", ("held_on", "channel", "audience_group", "topic", "town", "village", "audience", "note"),
    ),
    "school": Kind(
        "school", "schools", "校园金融知识教育基地", SCHOOLS, access.may_see_schools, access.may_add_school,
        access.access_school_by_id, access.access_school_for_edit, access.may_edit_school, forms.SchoolForm,
        services.school_create, services.school_update, "record",
        ("school", "town", "year", "bank", "curriculum", "lectures", "practice_days", "teachers_trained"),
    ),
}  # fmt: skip


def _form(kind: Kind, request, data=None, files=None, initial=None):
    extra = {"user": request.user} if kind.key == "publicity" else {}
    return kind.form(data, files, initial=initial, **extra)


def _data(kind: Kind, form, request) -> dict:
    data = dict(form.cleaned_data)
    if kind.key == "event":
        data["photos"] = request.FILES.getlist("photos")
    return data


# ---------------------------------------------------------------- the three kinds


def _list(request, key):
    kind = KINDS[key]
    if not kind.may_see(request.user):
        raise Http404
    ctx = {
        "kind": kind,
        "may_add": kind.may_add(request.user),
        "pending": selectors.pending_by_kind(request.user),
    }
    return lists.list_response(request, kind.spec, "outreach/list.html", ctx)


def _add(request, key):
    kind = KINDS[key]
    if not kind.may_add(request.user):
        raise Http404
    form = _form(kind, request, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = run_on_form(form, lambda: kind.create(actor=request.user, **_data(kind, form, request)))
        if record is not None:
            messages.success(request, f"已登记，等待领导小组办公室审核：{record}。")
            return redirect(f"outreach:{kind.key}_detail", record.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "outreach/form.html", {"kind": kind, "form": form}, status=status)


def _edit(request, key, pk):
    kind = KINDS[key]
    record = kind.for_edit(request.user, pk)
    initial = forms.initial_of(record, kind.fields)
    form = _form(kind, request, request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_on_form(
            form,
            lambda: kind.update(
                actor=request.user, **{kind.record_arg: record}, **_data(kind, form, request)
            ),
        )
        if done is not None:
            messages.success(request, "已修改并重新提交审核。")
            return redirect(f"outreach:{kind.key}_detail", record.pk)
    status = 400 if request.method == "POST" else 200
    ctx = {"kind": kind, "form": form, "record": record}
    return render(request, "outreach/form.html", ctx, status=status)


def _detail_page(request, kind: Kind, record, review_form=None, status=200):
    user = request.user
    ctx = {
        "kind": kind,
        "record": record,
        "photos": selectors.event_photos(user, record) if kind.key == "event" else [],
        "may_edit": kind.may_edit(user, record),
        "review_form": review_form
        or (forms.ReviewForm() if access.can_review(user) and record.status == "pending" else None),
    }
    return render(request, f"outreach/{kind.key}_detail.html", ctx, status=status)


def _detail(request, key, pk):
    kind = KINDS[key]
    return _detail_page(request, kind, kind.by_id(request.user, pk))


def _review(request, key, pk):
    kind = KINDS[key]
    access.require_review(request.user)
    record = kind.by_id(request.user, pk)
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        done = run_on_form(
            form, lambda: record_review(actor=request.user, record=record, **form.cleaned_data)
        )
        if done is not None:
            messages.success(request, f"审核完成：{done.get_status_display()}。")
            return redirect(f"outreach:{kind.list_name}")
    record.refresh_from_db()
    return _detail_page(request, kind, record, review_form=form, status=400)


def _views(key):
    """The five pages of one kind, as named view functions for urls.py."""
    return (
        login_required(lambda request: _list(request, key)),
        login_required(lambda request: _add(request, key)),
        login_required(lambda request, pk: _detail(request, key, pk)),
        login_required(lambda request, pk: _edit(request, key, pk)),
        login_required(require_POST(lambda request, pk: _review(request, key, pk))),
    )


events, event_add, event_detail, event_edit, event_review = _views("event")
publicity, publicity_add, publicity_detail, publicity_edit, publicity_review = _views("publicity")
schools, school_add, school_detail, school_edit, school_review = _views("school")


@login_required
def photo(request, pk):
    """An event's photo, decrypted as it streams, for those who see the event."""
    item = access.access_photo_by_id(request.user, pk)
    response = StreamingHttpResponse(photo_services.photo_chunks(item), content_type=item.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- the targets and the cross-check


@login_required
def targets(request):
    """Per bank and year: approved 流动银行 events against the ≥3 target, and the records beside the counts the
    bank reported in the 服务渠道情况表, differences highlighted."""
    user = request.user
    if not access.may_see_any(user):
        raise Http404
    years = [y for y, _ in selectors.year_choices()]
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    if year not in years:
        year = timezone.localdate().year - 1 if timezone.localdate().year - 1 in years else years[0]
    ctx = {
        "years": years,
        "year": year,
        "check": figures.crosscheck(user, year) if access.may_see_crosscheck(user) else None,
        "pending": selectors.pending_by_kind(user),
        "may": {
            "events": access.may_see_events(user),
            "publicity": access.may_see_publicity(user),
            "schools": access.may_see_schools(user),
        },
    }
    return render(request, "outreach/targets.html", ctx)
