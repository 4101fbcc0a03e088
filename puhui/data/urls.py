from django.urls import path

from puhui.data import views

urlpatterns = [
    path("", views.home, name="data_home"),
    path("inbox/", views.inbox, name="data_inbox"),
    path("forms/", views.my_forms, name="data_my_forms"),
    path("forms/<str:form_code>/<str:period_code>/", views.form_page, name="data_form"),
    path(
        "forms/<str:form_code>/<str:period_code>/template.<str:fmt>",
        views.template_download,
        name="data_template",
    ),
    path("forms/<str:form_code>/<str:period_code>/upload/", views.upload, name="data_upload_new"),
    path("uploads/", views.upload_list, name="data_upload_list"),
    path("uploads/<id:pk>/", views.upload_detail, name="data_upload"),
    path("submissions/", views.submission_list, name="data_submission_list"),
    path("submissions/<id:pk>/", views.submission_detail, name="data_submission"),
    path("submissions/<id:pk>/review/", views.submission_review, name="data_submission_review"),
    path("submissions/<id:pk>/rows.csv", views.submission_export, name="data_submission_export"),
    path("submissions/<id:pk>/file/", views.submission_file, name="data_submission_file"),
    path("targets/", views.target_dashboard, name="data_targets"),
    path("targets/<str:code>/", views.target_detail, name="data_target"),
    path("targets/<str:code>/edit/", views.target_edit, name="data_target_edit"),
    path("compute/", views.compute, name="data_compute"),
    path("indicators/", views.explorer, name="data_explorer"),
    path("values/<id:pk>/", views.value_lineage, name="data_value"),
    path("catalogue/", views.catalogue_list, name="data_catalogue"),
    path("catalogue/new/", views.indicator_new, name="data_indicator_new"),
    path("catalogue/<str:code>/", views.indicator_detail, name="data_indicator"),
    path("catalogue/<str:code>/edit/", views.indicator_edit, name="data_indicator_edit"),
]
