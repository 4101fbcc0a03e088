"""`puhui demo`: fill an empty database with the synthetic county 沂源县 and print the logins."""

from django.core.management.base import BaseCommand, CommandError

from puhui.demo import logins
from puhui.demo.build import DemoRefused, build_demo, county_exists

# Beyond ~20 the largest street runs out of ID sequence numbers for one birth date (see roster.py).
MAX_SCALE = 20.0


class Command(BaseCommand):
    help = "生成演示县（沂源县）的区划、机构、农户、市场主体和演示账号；结束时打印登录地址和账号密码。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="规模倍数（默认 1：约 17.5 万户；0.02 用于测试）"
        )
        parser.add_argument(
            "--seed", type=int, default=2020, help="随机种子（默认 2020）；相同种子生成相同数据"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库中已有演示县时不做任何修改，只再次显示已保存的登录信息",
        )
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="打印的登录地址（默认 http://127.0.0.1:8000/）"
        )

    def handle(self, *args, scale: float, seed: int, if_empty: bool, url: str, **options):
        if not 0 < scale <= MAX_SCALE:
            raise CommandError(f"--scale 应大于 0 且不超过 {MAX_SCALE:g}")
        if if_empty and county_exists():
            self.stdout.write("演示县已存在，未做任何修改。")
            path = logins.logins_path()
            if path.exists():
                self.stdout.write(path.read_text(encoding="utf-8"))
            else:
                self.stdout.write(f"未找到已保存的登录信息（{path}）。")
            self.stdout.write(f"登录地址：{url}")
            return
        try:
            result = build_demo(scale=scale, seed=seed, progress=self.stdout.write)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        path = logins.save(result.table)
        self.stdout.write("")
        self.stdout.write(result.table)
        self.stdout.write(f"以上账号密码已保存到 {path}（仅本人可读）。用时 {result.seconds:.1f} 秒。")
        self.stdout.write(f"登录地址：{url}")
