"""puhui plan_template OUT.xlsx [--from plan.yaml]: the Excel template for a plan, blank or filled."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from puhui.plan.documents import build_bulletin_template, plan_workbook
from puhui.plan.loader import PlanFileError, read_yaml


class Command(BaseCommand):
    help = "生成实施方案 Excel 模板（可用 --from 把 YAML 方案转成 Excel）。"

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出的 .xlsx 文件")
        parser.add_argument("--from", dest="source", help="用此 YAML 方案填充模板")
        parser.add_argument("--bulletin-template", action="store_true", help="另外重新生成通报 Word 模板")

    def handle(self, *args, out, source=None, bulletin_template=False, **options):
        data = None
        if source:
            try:
                data, _locate, problems = read_yaml(Path(source).read_bytes())
            except (OSError, PlanFileError) as exc:
                raise CommandError(f"无法读取 {source}：{exc}") from None
            if problems:
                raise CommandError("\n".join(problems))
        Path(out).write_bytes(plan_workbook(data))
        self.stdout.write(self.style.SUCCESS(f"已生成 {out}"))
        if bulletin_template:
            self.stdout.write(self.style.SUCCESS(f"已生成 {build_bulletin_template()}"))
