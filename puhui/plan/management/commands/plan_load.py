"""puhui plan_load FILE: load an implementation plan (YAML, or the Excel template) — all of it or none."""

from django.core.management.base import BaseCommand, CommandError

from puhui.core.models import User
from puhui.plan import services
from puhui.plan.loader import PlanFileError


class Command(BaseCommand):
    help = "导入实施方案（YAML 或 Excel 模板）；发现任何问题时全部列出，不导入任何内容。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="方案文件（.yaml 或 .xlsx）")
        parser.add_argument("--check", action="store_true", help="只检查，不导入")
        parser.add_argument("--user", help="记入操作日志的用户名（默认“系统”）")

    def handle(self, *args, file, check, user=None, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"没有用户“{user}”。")
        if check:
            problems = services.plan_check(file=file)
            if problems:
                self._fail(problems)
            self.stdout.write(self.style.SUCCESS("检查通过，可以导入。"))
            return
        try:
            plan = services.plan_load(actor=actor, file=file)
        except PlanFileError as exc:
            self._fail(exc.problems)
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入《{plan.title}》（{plan.doc_number}）：{plan.units.count()} 个单位，"
                f"{plan.sections.count()} 个条目，{plan.tasks.count()} 项任务。"
            )
        )

    def _fail(self, problems):
        for p in problems:
            self.stderr.write(f"  - {p}")
        raise CommandError(f"方案文件有 {len(problems)} 个问题，未导入任何内容。")
