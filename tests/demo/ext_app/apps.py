from django.apps import AppConfig


class ExtAppConfig(AppConfig):
    name = "tests.demo.ext_app"
    label = "demo_ext_test"
    verbose_name = "扩展示例"
