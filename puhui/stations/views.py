"""Pages of service stations and bill-pay coverage. Thin: access first (404 for those who may not see), then
selectors; writes through services, whose refusals are shown on the form that was sent."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from puhui.core import exports, lists
from puhui.core.service_errors import form_add_service_error, message_service_error, run_on_form
from puhui.imports.blank_forms import template_xlsx
from puhui.stations import access, forms, rules
from puhui.stations.lists import AGENTS, INSPECTIONS, MONTHLY, SCENES
from puhui.stations.models import BankOffer, ChannelKind, ChannelOffer, SceneKind
from puhui.stations.selectors import targets as selectors
from puhui.stations.services import monthly, offers, records
from puhui.stations.services.photos import photo_chunks


def _day(request) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()
    return min(day, timezone.localdate())


def _form_page(request, form, title: str, back: str, status: int = 200, multipart: bool = False):
    ctx = {"form": form, "title": title, "back": back, "multipart": multipart}
    return render(request, "stations/form.html", ctx, status=status)


# ---------------------------------------------------------------- targets


@login_required
def targets(request):
    """十: the share of service points upgraded to 普惠金融服务站 and the share paying across banks, per town."""
    if not access.may_see_targets(request.user):
        raise Http404
    day = _day(request)
    ctx = {"t": selectors.station_targets(request.user, day), "target_day": rules.STATION_TARGET_DAY}
    return render(request, "stations/targets.html", ctx)


@login_required
def billpay(request):
    """十二: real-time bill pay on the terminals (95%), the channels' bill items, the places of 便民支付."""
    user = request.user
    if not access.may_see_targets(user):
        raise Http404
    day = _day(request)
    ctx = {
        "b": selectors.billpay_targets(user, day),
        "channels": selectors.channel_matrix(user),
        "channel_kinds": ChannelKind.choices,
        "scenes": selectors.scene_coverage(user, day),
        "scene_kinds": SceneKind.choices,
        "scene_towns": selectors.by_town_and_kind(user, day),
        "day": day,
    }
    return render(request, "stations/billpay.html", ctx)


# ---------------------------------------------------------------- offers


@login_required
def offer_list(request):
    user = request.user
    if not access.may_see_offers(user):
        raise Http404
    offered = {o.bank_id: o for o in access.offers_for(user)}
    channels: dict[int, dict] = {}
    for c in ChannelOffer.objects.filter(bank__in=access.county_banks()):
        channels.setdefault(c.bank_id, {})[c.channel] = c
    editable = set(access.offer_banks_for(user).values_list("pk", flat=True))
    rows = [
        {
            "bank": b,
            "offer": offered.get(b.pk),
            "channels": channels.get(b.pk, {}),
            "may_edit": b.pk in editable,
        }
        for b in access.county_banks().order_by("name")
    ]
    ctx = {"rows": rows, "channel_kinds": ChannelKind.choices}
    return render(request, "stations/offers.html", ctx)


def _offer_initial(bank) -> dict:
    offer = BankOffer.objects.filter(bank=bank).first()
    initial = {"functions": offer.functions, "bill_items": offer.bill_items} if offer else {}
    for c in ChannelOffer.objects.filter(bank=bank):
        initial[f"{c.channel}_items"], initial[f"{c.channel}_realtime"] = c.bill_items, c.realtime
    return initial


@login_required
def offer_edit(request, pk):
    bank = access.access_offer_bank_for_edit(request.user, pk)
    form = forms.OfferForm(request.POST or None, initial=_offer_initial(bank))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write():
            offers.offer_set(
                actor=request.user, bank=bank, functions=data["functions"], bill_items=data["bill_items"]
            )
            for kind in ChannelKind.values:
                offers.channel_offer_set(
                    actor=request.user, bank=bank, channel=kind, bill_items=data[f"{kind}_items"],
                    realtime=data[f"{kind}_realtime"],
                )  # fmt: skip
            return True

        if _atomic(form, write):
            messages.success(request, f"已保存{bank.name}的服务站功能和缴费渠道。")
            return redirect("stations:offers")
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, f"{bank.name}：服务站功能和缴费渠道", "stations:offers", status)


def _atomic(form, write):
    """Several service calls as one: all stored or none."""
    try:
        with transaction.atomic():
            return write()
    except ValidationError as e:
        form_add_service_error(form, e)
        return None


# ---------------------------------------------------------------- monthly figures


@login_required
def monthly_list(request):
    user = request.user
    if not access.may_see_records(user):
        raise Http404
    ctx = {"may_add": access.may_report(user), "kind": "monthly", "limit": rules.daily_limit_rule()}
    return lists.list_response(request, MONTHLY, "stations/list.html", ctx)


@login_required
def monthly_add(request):
    if not access.may_report(request.user):
        raise Http404
    form = forms.MonthlyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        report = run_on_form(form, lambda: monthly.monthly_report_save(actor=request.user, **data))
        if report is not None:
            note = "；单卡单日取款限额超过规定，请核实" if report.over_limit else ""
            messages.success(request, f"已报送：{report}{note}。")
            return redirect("stations:monthly")
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, "报送服务站月度交易", "stations:monthly", status)


@login_required
def monthly_upload(request):
    if not access.may_report(request.user):
        raise Http404
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = monthly.monthly_upload(actor=request.user, file=upload, filename=upload.name)
        if result.ok:
            messages.success(
                request, f"已导入 {result.rows} 行：新增 {result.created} 条，更正 {result.updated} 条。"
            )
            return redirect("stations:monthly")
    status = 400 if request.method == "POST" else 200
    return render(request, "stations/upload.html", {"form": form, "result": result}, status=status)


@login_required
def monthly_template(request):
    if not access.may_report(request.user):
        raise Http404
    return exports.download(template_xlsx(monthly.SPEC), "服务站月度交易模板.xlsx", exports.XLSX)


# ---------------------------------------------------------------- inspections


@login_required
def inspection_list(request):
    user = request.user
    if not access.may_see_records(user):
        raise Http404
    return lists.list_response(
        request,
        INSPECTIONS,
        "stations/list.html",
        {"may_add": access.may_report(user), "kind": "inspections"},
    )


@login_required
def inspection_add(request):
    if not access.may_report(request.user):
        raise Http404
    form = forms.InspectionForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "photos": request.FILES.getlist("photos")}
        done = run_on_form(form, lambda: records.inspection_create(actor=request.user, **data))
        if done is not None:
            messages.success(request, f"已登记：{done}。")
            return redirect("stations:inspection_detail", done.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, "登记服务站检查", "stations:inspections", status, multipart=True)


def _inspection_page(request, inspection, form=None, status=200):
    may_rectify = access.may_report(request.user) and inspection.rectify_by and not inspection.rectified_on
    ctx = {
        "record": inspection,
        "photos": list(inspection.photos.order_by("id")),
        "form": form or (forms.RectifyForm() if may_rectify else None),
    }
    return render(request, "stations/inspection_detail.html", ctx, status=status)


@login_required
def inspection_detail(request, pk):
    return _inspection_page(request, access.access_inspection_by_id(request.user, pk))


@login_required
@require_POST
def inspection_rectify(request, pk):
    inspection = access.access_inspection_for_rectify(request.user, pk)
    form = forms.RectifyForm(request.POST)
    if form.is_valid():
        done = run_on_form(
            form,
            lambda: records.inspection_rectify(
                actor=request.user, inspection=inspection, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, "已登记整改完成。")
            return redirect("stations:inspection_detail", pk)
    inspection.refresh_from_db()
    return _inspection_page(request, inspection, form, status=400)


@login_required
def photo(request, pk):
    """An inspection's photo, decrypted as it streams, for those who see the inspection."""
    item = access.access_photo_by_id(request.user, pk)
    response = StreamingHttpResponse(photo_chunks(item), content_type=item.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- agents


@login_required
def agent_list(request):
    user = request.user
    if not access.may_see_agents(user):
        raise Http404
    return lists.list_response(
        request, AGENTS, "stations/list.html", {"may_add": access.may_report(user), "kind": "agents"}
    )


@login_required
def agent_add(request):
    if not access.may_report(request.user):
        raise Http404
    form = forms.AgentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        done = run_on_form(form, lambda: records.agent_appoint(actor=request.user, **form.cleaned_data))
        if done is not None:
            messages.success(request, f"已登记代办员：{done}。")
            return redirect("stations:agents")
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, "登记服务站代办员", "stations:agents", status)


@login_required
@require_POST
def agent_end(request, pk):
    agent = access.access_agent_for_edit(request.user, pk)
    form = forms.EndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请填写结束日期。")
        records.agent_end(actor=request.user, agent=agent, on=form.cleaned_data["on"])
        messages.success(request, f"已登记{agent.name}的结束日期。")
    except ValidationError as e:
        message_service_error(request, e)
    return redirect("stations:agents")


# ---------------------------------------------------------------- payment scenes


@login_required
def scene_list(request):
    user = request.user
    if not access.may_see_scenes(user):
        raise Http404
    return lists.list_response(
        request, SCENES, "stations/list.html", {"may_add": access.may_add_scene(user), "kind": "scenes"}
    )


@login_required
def scene_add(request):
    if not access.may_add_scene(request.user):
        raise Http404
    form = forms.SceneForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        done = run_on_form(form, lambda: records.scene_add(actor=request.user, **form.cleaned_data))
        if done is not None:
            messages.success(request, f"已登记：{done}。")
            return redirect("stations:scenes")
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, "登记便民支付场景", "stations:scenes", status)
