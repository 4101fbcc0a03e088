from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "puhui.outreach"
    label = "outreach"
    verbose_name = "金融知识宣传教育"
