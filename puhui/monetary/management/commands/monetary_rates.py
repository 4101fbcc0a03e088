"""puhui monetary_rates: rebuild the rate-monitoring summary when the approved loan returns changed (nightly)."""

from django.core.management.base import BaseCommand

from puhui.monetary import selectors, services


class Command(BaseCommand):
    help = "已审核通过的贷款明细有变化时，重新汇总利率监测数据（每天由后台任务计划运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="没有变化也重新汇总")

    def handle(self, *args, force=False, **options):
        if not force and not selectors.refresh_state()["stale"]:
            self.stdout.write("利率监测汇总已是最新，未重新汇总。")
            return
        refreshed = services.rate_cells_refresh(actor=None)
        self.stdout.write(
            f"已重新汇总利率监测数据：{refreshed.cells:,} 格，用时 {refreshed.seconds:.1f} 秒。"
        )
