from django.urls import path

from puhui.credit import import_views, views

urlpatterns = [
    path("", views.worklist, name="credit_worklist"),
    path("mine/", views.mine, name="credit_mine"),
    path("households/<id:pk>/", views.household, name="credit_household"),
    path("households/<id:pk>/archive/", views.archive_edit, name="credit_archive_edit"),
    path("households/<id:pk>/archive/unmask/", views.archive_unmask, name="credit_archive_unmask"),
    path("households/<id:pk>/verify/", views.archive_verify, name="credit_archive_verify"),
    path("households/<id:pk>/rate/", views.household_rate, name="credit_household_rate"),
    path("households/<id:pk>/consent/", views.consent_add, name="credit_consent_add"),
    path("households/<id:pk>/objection/", views.objection_add, name="credit_objection_add"),
    path("households/<id:pk>/offer/", views.line_offer, name="credit_line_offer"),
    path("consents/<id:pk>/revoke/", views.consent_revoke, name="credit_consent_revoke"),
    path("objections/", views.objection_list, name="credit_objections"),
    path("objections/<id:pk>/answer/", views.objection_answer, name="credit_objection_answer"),
    path("lines/", views.line_list, name="credit_lines"),
    path("lines/<id:pk>/respond/", views.line_respond, name="credit_line_respond"),
    path("lines/<id:pk>/move/", views.line_move, name="credit_line_move"),
    path("villages/<id:pk>/", views.village, name="credit_village"),
    path("scorecards/", views.scorecards, name="credit_scorecards"),
    path("scorecards/<id:pk>/promote/", views.scorecard_promote, name="credit_scorecard_promote"),
    path("rate-all/", views.rate_all, name="credit_rate_all"),
    path("designations/evaluate/", views.designations_evaluate, name="credit_designations_evaluate"),
    path("access-log/", views.access_log, name="credit_access_log"),
]
urlpatterns += [
    path("towns/", views.towns, name="credit_towns"),
    path("towns/<id:pk>/", views.town, name="credit_town"),
    path("scorecards/<id:pk>/", views.scorecard_report, name="credit_scorecard_report"),
    path("scorecards/upload/", views.scorecard_upload, name="credit_scorecard_upload"),
]
urlpatterns += [  # bulk import of archives
    path("archives/import/", import_views.archive_import_page, name="credit_archive_import"),
    path(
        "archives/import/template.<str:fmt>",
        import_views.archive_import_template,
        name="credit_archive_import_template",
    ),
]
