"""`puhui rotate_key`: re-encrypt all personal data under FIELD_ENCRYPTION_KEY (puhui/core/rotation.py).

Resumable: interrupt it (Ctrl-C, a crash) and run it again — it continues where it stopped. On the worker:
a scheduled job can run it through `puhui.jobs.tasks.run_command_task` (command "rotate_key").
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from puhui.core import crypto, rotation
from puhui.core.models import User


class Command(BaseCommand):
    help = (
        "字段加密密钥轮换：用 FIELD_ENCRYPTION_KEY（新密钥）重新加密全部个人信息、重算查找哈希并重新加密上传的原始文件；"
        "旧密钥放在 FIELD_ENCRYPTION_OLD_KEYS。可中断，再次运行从中断处继续。"
    )
    # The key check is the command's own first step (it accepts a database still under an old key).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=rotation.BATCH, help="每批行数（默认 5000）")
        parser.add_argument("--no-files", action="store_true", help="不处理上传的原始文件")
        parser.add_argument("--actor", help="记入操作日志的用户名（默认：系统）")

    def handle(self, *args, batch_size: int, no_files: bool, actor=None, **options):
        if batch_size < 1:
            raise CommandError("每批行数至少为 1")
        user = User.objects.get(username=actor) if actor else None
        old = crypto.old_masters()
        state = rotation.load_state()
        resumed = bool(state["tables"])
        self.stdout.write(
            f"字段加密密钥轮换：目标密钥标识 {crypto.current_kid()}，旧密钥 {len(old)} 个"
            + ("；从上次中断处继续" if resumed else "")
            + ("" if old else "（未配置 FIELD_ENCRYPTION_OLD_KEYS：只把旧格式密文升级为 v2）")
        )
        tty = sys.stdout.isatty() and self.stdout._out is sys.stdout
        last_line = [0.0]

        def on_batch(table, done, _):
            now = time.monotonic()
            if now - last_line[0] >= (0.5 if tty else 5.0):
                last_line[0] = now
                self._progress(f"  {table.name}：已重新加密 {done:,} 行", tty)

        def on_file(i, total):
            now = time.monotonic()
            if now - last_line[0] >= (0.5 if tty else 5.0) or i == total:
                last_line[0] = now
                self._progress(f"  上传的原始文件：{i}/{total}", tty)

        try:
            result = rotation.rotate(
                batch_size=batch_size, files=not no_files, on_batch=on_batch, on_file=on_file, actor=user
            )
        except rotation.RotationError as e:
            raise CommandError(str(e)) from None
        except KeyboardInterrupt:
            raise CommandError("已中断。进度已保存：再次运行 puhui rotate_key 从中断处继续。") from None
        if tty:
            self.stdout.write("")
        for label, n in result["tables"].items():
            if n:
                self.stdout.write(f"  {label}：{n:,} 行")
        self.stdout.write(
            f"轮换完成：重新加密 {result['rows']:,} 行、{result['files']} 个原始文件"
            + (f"（{result['missing']} 个文件在磁盘上找不到）" if result["missing"] else "")
            + f"，用时 {result['seconds']} 秒；数据库中的密钥校验值已更新为新密钥。"
        )
        if old:
            self.stdout.write(
                self.style.WARNING(
                    "请从环境中移除 FIELD_ENCRYPTION_OLD_KEYS 并重启全部进程；旧密钥交密钥保管人按规定销毁或封存。"
                )
            )

    def _progress(self, text: str, tty: bool) -> None:
        if tty:
            self.stdout.write("\r" + text.ljust(60), ending="")
            self.stdout.flush()
        else:
            self.stdout.write(text)
