"""The finder's pages. Public (no sign-in): the finder — pick a town, then a village and what you need —,
the knowledge articles. The office's: writing and publishing articles. Thin: access, then selectors or
services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_POST

from puhui.core.access import get_or_404
from puhui.core.models import Division
from puhui.core.plugins import public_links
from puhui.core.service_errors import form_add_service_error
from puhui.finder import access, forms, services
from puhui.finder.models import Article
from puhui.finder.needs import BY_CODE
from puhui.finder.selectors import articles as article_selectors
from puhui.finder.selectors.map import village_map
from puhui.finder.selectors.places import places_near


def _links():
    return [{"label": link.label, "url_name": link.url_name} for link in public_links()]


# The same question asked again within a minute gets the page already drawn: the answer is public, the same
# for everyone, and the register changes by the day (bench/bench_finder.py measures both).
CACHE_SECONDS = 60


@cache_page(CACHE_SECONDS)
def home(request):
    """Step 1: the towns. Step 2 (?town=): that town's villages and the needs. Step 3 (?village=): the places."""
    towns = Division.objects.filter(level=Division.Level.TOWN).order_by("code")
    ctx = {"towns": towns, "links": _links()}
    town_id = request.GET.get("town", "")
    if not town_id.isdigit():
        return render(request, "finder/home.html", ctx)
    town = get_or_404(towns, pk=int(town_id))
    form = forms.FinderForm(request.GET if "village" in request.GET else None, town=town)
    ctx.update(town=town, form=form)
    if form.is_bound and form.is_valid():
        needs = form.cleaned_data["need"]
        found = places_near(form.cleaned_data["village"].pk, needs)
        ctx.update(found=found, needs=[BY_CODE[n].label for n in needs], map=village_map(found))
    return render(request, "finder/home.html", ctx)


def knowledge(request):
    topic = request.GET.get("topic", "")
    topic = topic if topic in Article.Topic.values else ""
    ctx = {
        "articles": article_selectors.published(request.user, topic)[:100],
        "topics": Article.Topic.choices,
        "topic": topic,
        "links": _links(),
    }
    return render(request, "finder/knowledge.html", ctx)


def article(request, pk):
    item = access.access_article_by_id(request.user, pk)  # the office previews its drafts here
    return render(request, "finder/article.html", {"article": item, "links": _links()})


@login_required
def articles(request):
    access.require_writer(request.user)
    rows = access.articles_for(request.user).select_related("author")[:500]
    return render(request, "finder/articles.html", {"articles": rows})


@login_required
def article_edit(request, pk=None):
    """A new article (no pk) or an edit; saved as a draft until published."""
    access.require_writer(request.user)
    item = access.access_article_for_edit(request.user, pk) if pk else None
    initial = {"title": item.title, "topic": item.topic, "body": item.body} if item else None
    form = forms.ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.article_save(actor=request.user, article=item, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"已保存：{saved.title}")
            return redirect("finder:articles")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "finder/article_form.html", {"form": form, "article": item}, status=status)


@login_required
@require_POST
def article_publish(request, pk):
    item = access.access_article_for_edit(request.user, pk)
    publish = request.POST.get("publish") == "1"
    services.article_publish(actor=request.user, article=item, publish=publish)
    messages.success(request, f"已{'发布' if publish else '撤回'}：{item.title}")
    return redirect("finder:articles")
