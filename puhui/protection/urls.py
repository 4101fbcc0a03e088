from django.urls import path

from puhui.protection.views import complaints, mediation, public

app_name = "protection"

urlpatterns = [
    # ---- public, no sign-in
    path("", public.public, name="public"),
    path("file/", public.file, name="file"),
    path("track/", public.track, name="track"),
    path("track/view/", public.track_view, name="track_view"),
    path("track/<slug:action>/", public.track_act, name="track_act"),
    # ---- complaints
    path("complaints/", complaints.complaints, name="complaints"),
    path("complaints/board/", complaints.board, name="board"),
    path("complaints/new/", complaints.complaint_add, name="complaint_add"),
    path("complaints/<id:pk>/", complaints.complaint_detail, name="complaint_detail"),
    path("complaints/<id:pk>/unmask/", complaints.complaint_unmask, name="complaint_unmask"),
    path("complaints/<id:pk>/<slug:action>/", complaints.complaint_act, name="complaint_act"),
    path("statistics/", complaints.statistics, name="statistics"),
    # ---- mediation and the court chain
    path("mediation/", mediation.mediations, name="mediations"),
    path("mediation/new/", mediation.mediation_add, name="mediation_add"),
    path("mediation/<id:pk>/", mediation.mediation_detail, name="mediation_detail"),
    path("mediation/<id:pk>/agreement/", mediation.agreement, name="agreement"),
    path("mediation/<id:pk>/<slug:action>/", mediation.mediation_act, name="mediation_act"),
    path("mediation/orgs/", mediation.orgs, name="orgs"),
    # ---- typical cases
    path("typical/", mediation.typical, name="typical"),
    path("typical/<id:pk>/publish/", mediation.typical_publish, name="typical_publish"),
]
