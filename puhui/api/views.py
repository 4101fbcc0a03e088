"""Token management pages: an organisation's staff create and revoke the tokens their systems use."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from puhui.api import services
from puhui.api.access import access_token_for_revoke, require_token_manager, tokens_for
from puhui.api.forms import TokenCreateForm

PAGE_SIZE = 50


@login_required
def token_list(request):
    require_token_manager(request.user)
    page = Paginator(tokens_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "api/token_list.html", {"page": page})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_create(request):
    require_token_manager(request.user)
    form = TokenCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(
                actor=request.user,
                organisation=form.chosen_organisation(),
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as e:
            for field, errors in e.message_dict.items():
                field = {"expires_at": "expires_on"}.get(field, field)
                form.add_error(field if field in form.fields else None, errors)
        else:
            # The secret is shown on this page only; never_cache keeps it out of caches and history.
            return render(request, "api/token_created.html", {"token": token, "secret": secret})
    return render(request, "api/token_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk):
    token = access_token_for_revoke(request.user, pk)
    if request.method == "POST":
        services.token_revoke(actor=request.user, token=token)
        messages.success(request, f"接口令牌 {token.prefix}（{token.name}）已吊销，使用它的请求将被拒绝。")
        return redirect("token_list")
    return render(request, "api/token_revoke.html", {"token": token})
