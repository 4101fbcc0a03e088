from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "puhui.evaluation"
    label = "evaluation"
    verbose_name = "专项评估报告"
