from django.apps import AppConfig


class PluginAppConfig(AppConfig):
    name = "tests.core.plugin_app"
    label = "plugin_app_test"
    verbose_name = "插件示例"
