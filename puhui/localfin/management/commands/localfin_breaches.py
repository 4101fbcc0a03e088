from django.core.management.base import BaseCommand

from puhui.localfin.services.orgs import breaches_notify


class Command(BaseCommand):
    help = "核查地方金融组织的监管指标，把新发现的超限情况通知县金融证券工作服务中心和领导小组办公室"

    def handle(self, *args, **options):
        created = breaches_notify(actor=None)
        self.stdout.write(f"已发送超限通知 {created} 条。")
