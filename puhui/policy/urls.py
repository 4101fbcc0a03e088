from django.urls import path

from puhui.policy import views

urlpatterns = [
    path("", views.home, name="policy_home"),
    path("run/", views.run, name="policy_run"),
    path("evaluations/<id:pk>/", views.evaluation, name="policy_evaluation"),
    path("evaluations/<id:pk>/export/", views.evaluation_export, name="policy_evaluation_export"),
    path("evaluations/<id:pk>/approval/", views.approval_doc, name="policy_approval_doc"),
    path("results/<id:pk>/", views.result, name="policy_result"),
    path("results/<id:pk>/decide/", views.result_decide, name="policy_result_decide"),
    path("results/<id:pk>/pay/", views.result_pay, name="policy_result_pay"),
    path("results/<id:pk>/application/", views.application_doc, name="policy_application_doc"),
    path("results/<id:pk>/objections/", views.objection_add, name="policy_objection_add"),
    path("objections/<id:pk>/answer/", views.objection_answer, name="policy_objection_answer"),
    path("objection-files/<id:pk>/", views.objection_file, name="policy_objection_file"),
    path("ledger/", views.ledger, name="policy_ledger"),
    path("reserve/", views.reserve, name="policy_reserve"),
    path("rules/", views.rules, name="policy_rules"),
    path("rules/add/", views.rules_add, name="policy_rules_add"),
    path("rules/<id:pk>/", views.rule_version, name="policy_rule_version"),
]
