from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "puhui.jobs"
    verbose_name = "后台任务"
