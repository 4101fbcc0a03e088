from django.core.management.base import BaseCommand

from puhui.protection.services.complaints import complaints_purge


class Command(BaseCommand):
    help = "清除办结满 3 年的金融消费投诉中的个人信息（姓名、电话、证件号、投诉内容），保留分类和日期供统计"

    def handle(self, *args, **options):
        purged = complaints_purge(actor=None)
        self.stdout.write(f"已清除 {purged} 件投诉的个人信息。")
