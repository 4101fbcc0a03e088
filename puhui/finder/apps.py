from django.apps import AppConfig


class FinderConfig(AppConfig):
    name = "puhui.finder"
    label = "finder"
    verbose_name = "便民金融服务查询"
