from django.core.management.base import BaseCommand, CommandError

from puhui.data.models import ReportingPeriod
from puhui.risk.services.warnings import periods_to_evaluate, warnings_evaluate


class Command(BaseCommand):
    help = "按现行预警规则评估各季度的贷款明细，发出或更新风险预警（每条规则每个对象只保留一项未关闭的预警）"

    def add_arguments(self, parser):
        parser.add_argument("--period", help="只评估这个季度，如 2021Q1（默认：所有有已审核贷款明细的季度）")

    def handle(self, *args, **options):
        if options["period"]:
            periods = list(ReportingPeriod.objects.filter(code=options["period"]))
            if not periods:
                raise CommandError(f"没有报送期“{options['period']}”")
        else:
            periods = periods_to_evaluate()
        for period in periods:
            counts = warnings_evaluate(actor=None, period=period)
            skipped = "；".join(f"{k}：{v}" for k, v in counts["skipped"].items())
            self.stdout.write(
                f"{period.label}：新发 {counts['raised']} 项，更新 {counts['updated']} 项，"
                f"未变 {counts['unchanged']} 项，自动关闭 {counts['cleared']} 项，用时 {counts['seconds']} 秒"
                + (f"（未评估：{skipped}）" if skipped else "")
            )
