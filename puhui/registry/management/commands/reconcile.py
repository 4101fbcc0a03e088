"""`puhui reconcile`: compare the registers with the banks' service-channel reports and tell the office about
large differences (the daily job `registry.reconcile`; `--period 2020Q4` for one period)."""

from django.core.management.base import BaseCommand, CommandError

from puhui.core import periods
from puhui.registry import reconciliation


class Command(BaseCommand):
    help = (
        "核对名录中的服务点、自助机具数与银行报送数，差异较大的提示领导小组办公室。默认核对最近四个报送期。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="只核对该报送期，如 2020Q4")

    def handle(self, *, period, **options):
        if period:
            try:
                spec = periods.parse_code(period)
            except ValueError as e:
                raise CommandError(str(e)) from None
            count = reconciliation.reconciliation_flag(actor=None, period=spec)
        else:
            count = reconciliation.flag_recent(actor=None)
        self.stdout.write(f"差异较大的数据共 {count} 项" + ("，已提示领导小组办公室。" if count else "。"))
