from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "puhui.policy"
    label = "policy"
    verbose_name = "政策激励"
