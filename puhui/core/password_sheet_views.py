"""初始密码: the sheets of initial passwords an administrator's user imports produced, each downloadable once
(`puhui.core.password_sheets`)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from puhui.core import password_sheets
from puhui.core.access import require_user_manager
from puhui.core.audit import audit_record
from puhui.core.exports import XLSX, download
from puhui.core.models import AuditLog


@login_required
@never_cache
def user_password_sheets(request):
    require_user_manager(request.user)
    return render(
        request,
        "core/user_password_sheets.html",
        {"sheets": password_sheets.pending(request.user), "keep_days": password_sheets.KEEP_DAYS},
    )


@login_required
@require_POST
def user_password_sheet_download(request, token):
    """The sheet, once: it is deleted as it is handed out (a POST, so no prefetch or crawler takes it)."""
    require_user_manager(request.user)
    content = password_sheets.take(request.user, token)
    if content is None:
        raise Http404
    audit_record(
        actor=request.user,
        action=AuditLog.Action.UNMASK,
        object_type="core.User",
        object_repr="新用户初始密码表",
        note=f"下载导入生成的初始密码表（{token.split('-')[1]} 个用户），文件随即删除",
    )
    response = download(content, f"新用户初始密码_{token[:8]}.xlsx", XLSX)
    response["Cache-Control"] = "no-store"
    return response
