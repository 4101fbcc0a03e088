"""`puhui import divisions FILE [--mode upsert]`: the same import as the web page, from the command line."""

import unicodedata
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from puhui.core.models import User
from puhui.imports.blank_forms import template_csv
from puhui.imports.engine import MODE_CREATE, MODES, SYSTEM_ACTOR
from puhui.imports.tables import tables


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def error_table(errors, limit: int | None = None) -> str:
    """The errors as an aligned text table (行 / 列 / 值 / 原因), CJK characters counted double-width."""
    rows = [("行", "列", "值", "原因")]
    for e in errors[:limit]:
        rows.append(("—" if e.row is None else str(e.row), e.column or "—", e.value, e.reason))
    widths = [min(30, max(_width(r[i]) for r in rows)) for i in range(3)]
    return "\n".join("  ".join(_pad(r[i], widths[i]) for i in range(3)) + "  " + r[3] for r in rows)


class Command(BaseCommand):
    help = "从 CSV 或 Excel 文件导入一张表（行政区划、机构、农户、市场主体……，见 table 的可选值）；有任何错误则全部不保存。"

    def add_arguments(self, parser):
        names = ", ".join(f"{name}（{t.title}）" for name, t in tables().items())
        parser.add_argument("table", choices=sorted(tables()), help=f"要导入的表：{names}")
        parser.add_argument("file", nargs="?", help="CSV 或 .xlsx 文件")
        parser.add_argument(
            "--mode",
            choices=sorted(MODES),
            default=MODE_CREATE,
            help="create：仅新增（默认）；upsert：新增或更新",
        )
        parser.add_argument("--sheet", help="Excel 工作表名称（默认：与表同名的工作表，否则第一个）")
        parser.add_argument("--actor", help="记入操作日志的用户名（默认：系统）")
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="确认上次导入提示的较大变化（如某村户数变化超过规定比例）后保存",
        )
        parser.add_argument(
            "--template", metavar="PATH", help="不导入，改为把空白模板写到 PATH（.xlsx 或 .csv）"
        )

    def handle(self, *args, table, file, mode, sheet, actor, template, confirm=False, **options):
        entry = tables()[table]
        spec, run = entry.spec, entry.run
        if template:
            target = Path(template)
            target.write_bytes(template_csv(spec) if target.suffix.lower() == ".csv" else entry.template())
            self.stdout.write(f"已写出{spec.title}模板：{target}")
            return
        if not file:
            raise CommandError("请给出要导入的文件")
        if not Path(file).is_file():
            raise CommandError(f"找不到文件：{file}")
        user = SYSTEM_ACTOR
        if actor:
            user = User.objects.filter(username=actor, is_active=True).first()
            if user is None:
                raise CommandError(f"没有用户名为 {actor} 的有效用户")
        try:
            result = run(
                actor=user, file=file, mode=mode, sheet=sheet, **({"confirm": True} if confirm else {})
            )
        except PermissionDenied:
            raise CommandError(f"用户 {actor} 无权导入{spec.title}") from None
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(f"导入成功：{result.summary}。（{result.source}，{result.mode_label}）")
            )
            # What a register hands out once on the command line (the users import: initial passwords).
            for line in getattr(result, "cli_report", list)():
                self.stdout.write(line)
            return
        if result.needs_confirmation:
            for warning in result.warnings:
                self.stdout.write(f"  {warning}")
            raise CommandError(
                f"未导入：文件 {result.filename} 有 {len(result.warnings)} 处较大变化需要确认，未保存任何数据；"
                "核对无误后加 --confirm 重新运行。"
            )
        errors = result.errors.sorted()
        self.stdout.write(error_table(errors))
        if result.errors.truncated:
            self.stdout.write(f"……仅列出前 {len(errors)} 处。")
        raise CommandError(
            f"导入失败：文件 {result.filename} 共有 {result.errors.total} 处问题，未保存任何数据。"
        )
