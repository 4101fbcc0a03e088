"""puhui plan_remind: the reminder run (reports due, 督办 near or past deadline, milestones at risk)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from puhui.plan import services


class Command(BaseCommand):
    help = "查找待报送/逾期的进度报告、临近或超过期限的督办单、有延误风险的里程碑，发送站内提醒和邮件。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期检查（YYYY-MM-DD，默认今天）")

    def handle(self, *args, date=None, **options):
        as_of = None
        if date:
            try:
                as_of = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"日期“{date}”格式不正确，应为 YYYY-MM-DD。") from None
        counts = services.plan_remind(actor=None, as_of=as_of)
        labels = {
            "reports_due": "待报送进度报告",
            "reports_overdue": "逾期未报进度报告",
            "notices_due": "即将到期督办单",
            "notices_reminded": "已催办逾期督办单",
            "milestones_at_risk": "有风险/逾期里程碑",
            "notifications": "新发提醒",
        }
        for key, label in labels.items():
            self.stdout.write(f"{label}：{counts[key]}")
