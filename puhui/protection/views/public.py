"""The public pages, no sign-in: file a complaint from a phone, follow it by its tracking code and the
phone's last 4 digits, the anonymised public database and the typical cases.

Filing and following are rate-limited per client address (`PUHUI_RATE_COMPLAINT_FILE`,
`PUHUI_RATE_COMPLAINT_TRACK`; settings.py). A verified code opens the complaint for this browser session
only: its id lives in the session, never in a URL.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from puhui.core import ratelimit
from puhui.core.service_errors import form_add_service_error, run_on_form
from puhui.protection import access, forms
from puhui.protection.models import Complaint, TypicalCase
from puhui.protection.selectors import complaints as selectors
from puhui.protection.services import complaints as services

SESSION_KEY = "protection_followed"


def public(request):
    ctx = {
        "rows": selectors.public_rows(),
        # The public page shows published cases only, whoever looks (the office's drafts stay on its page).
        "typical": TypicalCase.objects.filter(published_on__isnull=False)[:10],
    }
    return render(request, "protection/public.html", ctx)


@never_cache
def file(request):
    form = forms.PublicComplaintForm(request.POST or None)
    if request.method == "POST":
        refused = ratelimit.public_limited(request, "complaint-file", "PUHUI_RATE_COMPLAINT_FILE", "提交投诉")
        if refused:
            return refused
        if form.is_valid():
            try:
                # Staff filing here file as anyone would (the public page's channel); a public user keeps it.
                actor = request.user if access.is_public(request.user) else None
                complaint, code = services.complaint_file(actor=actor, channel="01", **form.cleaned_data)
            except ValidationError as e:
                form_add_service_error(form, e)
            else:
                request.session[SESSION_KEY] = complaint.pk
                # The code is shown once, on this answer to the POST; it is stored only as a hash.
                ctx = {"complaint": complaint, "code": services.format_code(code)}
                return render(request, "protection/filed.html", ctx)
    status = 400 if request.method == "POST" else 200
    return render(request, "protection/file.html", {"form": form}, status=status)


@never_cache
def track(request):
    form = forms.TrackForm(request.POST or None)
    if request.method == "POST":
        refused = ratelimit.public_limited(
            request, "complaint-track", "PUHUI_RATE_COMPLAINT_TRACK", "查询投诉"
        )
        if refused:
            return refused
        if form.is_valid():
            complaint = services.find_by_code(form.cleaned_data["code"], form.cleaned_data["digits"])
            if complaint is None:
                raise Http404  # a forged, mistyped or purged code: nothing is said about what exists
            request.session[SESSION_KEY] = complaint.pk
            return redirect("protection:track_view")
    status = 400 if request.method == "POST" else 200
    return render(request, "protection/track.html", {"form": form}, status=status)


def _followed(request) -> Complaint:
    pk = request.session.get(SESSION_KEY)
    complaint = (
        Complaint.objects.select_related("institution").filter(pk=pk, purged_on__isnull=True).first()
        if pk
        else None
    )
    if complaint is None:
        raise Http404
    return complaint


def _track_page(request, complaint, status=200, **given):
    ctx = {
        "complaint": complaint,
        "state": selectors.state(complaint),
        "timeline": selectors.timeline(complaint),
        "feedback_form": given.get("feedback_form") or forms.FeedbackForm(prefix="feedback"),
        "escalate_form": given.get("escalate_form") or forms.EscalateForm(prefix="escalate"),
        "may_feedback": complaint.status == Complaint.Status.ANSWERED and not complaint.feedback,
        "may_escalate": complaint.status == Complaint.Status.ANSWERED
        or (complaint.status == Complaint.Status.HANDLING and selectors.days_left(complaint) < 0),
    }
    return render(request, "protection/track_view.html", ctx, status=status)


@never_cache
def track_view(request):
    return _track_page(request, _followed(request))


@require_POST
def track_act(request, action):
    complaint = _followed(request)
    if action == "feedback":
        form = forms.FeedbackForm(request.POST, prefix="feedback")
        write = lambda data: services.complaint_feedback(actor=None, complaint=complaint, **data)  # noqa: E731
    elif action == "escalate":
        form = forms.EscalateForm(request.POST, prefix="escalate")
        write = lambda data: services.complaint_escalate(actor=None, complaint=complaint, **data)  # noqa: E731
    else:
        raise Http404
    if form.is_valid() and run_on_form(form, lambda: write(form.cleaned_data)) is not None:
        return redirect("protection:track_view")
    complaint.refresh_from_db()
    return _track_page(request, complaint, status=400, **{f"{action}_form": form})
