from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "puhui.jobs"
    verbose_name = "后台任务"

    def ready(self):
        from django_tasks.signals import task_finished

        from puhui.jobs.retries import on_task_finished

        task_finished.connect(on_task_finished, dispatch_uid="puhui.jobs.retries")
