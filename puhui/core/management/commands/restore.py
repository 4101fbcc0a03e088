"""`puhui restore PATH [--force] [--check]`: verify a backup, then restore its database and uploaded files."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from puhui.core.backup import BackupError, check_backup, human_size, restore_backup


class Command(BaseCommand):
    # Works on a database whose checks fail (e.g. a wrong FIELD_ENCRYPTION_KEY): backups and recovery are
    # what one does then. The restore makes its own, stricter checks.
    requires_system_checks = []
    help = "从 puhui backup 生成的备份恢复数据库和上传文件：先核对全部校验和；目标非空时需加 --force。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件（.tar.gz）")
        parser.add_argument("--force", action="store_true", help="目标数据库或上传文件目录非空时仍然覆盖")
        parser.add_argument("--check", action="store_true", help="只核对备份文件（校验和、完整性），不恢复")

    def handle(self, *args, path: str, force: bool, check: bool, **options):
        try:
            if check:
                manifest = check_backup(path)
            else:
                result = restore_backup(path, force=force)
                manifest = result.manifest
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        db, media = manifest["database"], manifest["media"]
        created = parse_datetime(manifest["created_at"])
        lines = [
            f"{'备份文件校验通过' if check else '恢复完成'}：{path}",
            f"  备份时间：{timezone.localtime(created):%Y-%m-%d %H:%M:%S}（{manifest['host']}，"
            f"平台 {manifest['versions']['puhui']}，Django {manifest['versions']['django']}，"
            f"{manifest['versions']['database']}）",
            f"  数据库：{len(db['tables'])} 张表，{sum(db['tables'].values()):,} 行"
            + ("" if check else f"，已恢复到 {result.database}，各表行数与备份清单一致"),
            f"  上传文件：{media['count']} 个，{human_size(media['bytes'])}，校验和全部一致",
        ]
        if not check:
            if result.replaced:
                lines.append("  已覆盖目标中原有的数据（--force）。")
            if result.pending_migrations:
                lines.append(
                    f"  备份来自较早的版本，还有 {len(result.pending_migrations)} 个迁移未应用：请运行 puhui migrate。"
                )
            lines.append(f"  用时 {result.seconds:.1f} 秒。请重启网站和后台任务进程。")
        self.stdout.write("\n".join(lines))
