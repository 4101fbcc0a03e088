"""`puhui audit verify [--from-id N]`: check the audit trail's hash chain (puhui/core/audit.py).

Prints 完整 and exits 0, or the id of the first broken link and why, and exits 1. A full run stores its result
for the audit page (操作日志). `puhui audit rechain` recomputes the chain under the current FIELD_ENCRYPTION_KEY
after a key rotation; it refuses a chain that is already broken.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from puhui.core.audit import audit_chain_verify, audit_rechain


class Command(BaseCommand):
    help = "操作日志校验链：verify 核验（发现断裂时退出码为 1），rechain 更换密钥后重新计算。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify,rechain}")
        verify = sub.add_parser("verify", help="按编号顺序核验整条链，报告第一处断裂")
        verify.add_argument(
            "--from-id",
            type=int,
            default=None,
            help="从该编号起核验（信任其前一条记录的校验值）；只核验部分记录时不更新页面上的核验结果",
        )
        verify.add_argument("--chunk-size", type=int, default=2000, help="每次从数据库读取的记录数")
        sub.add_parser(
            "rechain", help="更换 FIELD_ENCRYPTION_KEY 后，用新密钥重新计算整条链（链须先核验完整）"
        )

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "rechain":
            try:
                count = audit_rechain()
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"已用当前密钥重新计算 {count} 条操作日志的校验值。")
            return
        started = time.monotonic()
        report = audit_chain_verify(from_id=options["from_id"], chunk_size=max(1, options["chunk_size"]))
        elapsed = time.monotonic() - started
        if report.ok:
            self.stdout.write(f"{report.message}（用时 {elapsed:.1f} 秒）")
            return
        raise CommandError(f"操作日志校验链{report.message}")
