"""The county's incentive rules as shipped (puhui/policy/rules/yiyuan-2020.yaml) become version one."""

from pathlib import Path

from django.db import migrations

SHIPPED = Path(__file__).resolve().parents[1] / "rules" / "yiyuan-2020.yaml"


def load(apps, schema_editor):
    import yaml

    RuleSetVersion = apps.get_model("policy", "RuleSetVersion")
    text = SHIPPED.read_text(encoding="utf-8")
    head = yaml.safe_load(text)
    RuleSetVersion.objects.get_or_create(
        version=str(head["version"]), defaults={"name": head["name"], "text": text, "change_note": "随平台发布的规则"}
    )


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
