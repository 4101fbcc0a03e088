from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from puhui.data.models import ReportingPeriod
from puhui.firstloans.services.compute import run_compute


class Command(BaseCommand):
    help = "计算首贷培植名单（从未获得贷款的名录企业）、平台认定的首贷和无还本续贷"

    def add_arguments(self, parser):
        parser.add_argument(
            "--period", help="截至这个季度，如 2021Q4（默认：最近一个有审核通过贷款明细的季度）"
        )

    def handle(self, *args, **options):
        period = None
        if options["period"]:
            period = ReportingPeriod.objects.filter(code=options["period"]).first()
            if period is None:
                raise CommandError(f"没有报送期“{options['period']}”")
        try:
            run = run_compute(actor=None, period=period)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        self.stdout.write(
            f"截至{run.period.label}：名录企业 {run.firms_checked:,} 户，从未获得贷款 {run.listed:,} 户；"
            f"平台认定首贷 {run.first_loans:,} 笔，标记不一致 {run.disagreements:,} 笔；"
            f"无还本续贷 {run.renewals:,} 笔；用时 {run.seconds} 秒"
        )
