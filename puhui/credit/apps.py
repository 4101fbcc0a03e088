from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "puhui.credit"
    label = "credit"
    verbose_name = "农村信用体系"

    def ready(self):
        from django.db.models.signals import post_migrate

        from puhui.credit import defaults

        # The shipped scorecard, limit rule and designation rules: installed by migrate, read by pages.
        post_migrate.connect(defaults.install_defaults, sender=self, dispatch_uid="puhui-credit-defaults")
