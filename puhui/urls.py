from django.urls import include, path

urlpatterns = [
    path("", include("puhui.core.urls")),
    path("registry/", include("puhui.registry.urls")),
    path("imports/", include("puhui.imports.urls")),
    path("jobs/", include("puhui.jobs.urls")),
    path("plan/", include("puhui.plan.urls")),
    path("index/", include("puhui.index.urls")),
    path("credit/", include("puhui.credit.urls")),
    path("data/", include("puhui.data.urls")),
    path("monetary/", include("puhui.monetary.urls")),
    path("policy/", include("puhui.policy.urls")),
    path("localfin/", include("puhui.localfin.urls")),
    path("risk/", include("puhui.risk.urls")),
    path("disposal/", include("puhui.disposal.urls")),
    path("protection/", include("puhui.protection.urls")),
    path("outreach/", include("puhui.outreach.urls")),
    path("tokens/", include("puhui.api.urls")),
    path("api/v1/", include("puhui.api.v1")),
]
