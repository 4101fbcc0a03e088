"""Build the county's guarantee network of a period from the banks' approved returns.

One run per period: the approved 担保关系明细表 of every bank (`data.GuaranteeRecord`) are the edges, summed
per guarantor and borrower by the engine (`puhui.engines.risk`); the approved 贷款明细表 say which firms are in
default (an NPL balance at any bank) and what each bank lends to each firm. A rebuild replaces the run.
Everything is read in a handful of grouped queries and written in bulk — no query per firm."""

import time
from collections import defaultdict

import numpy as np
from django.db import transaction
from django.db.models import Case, IntegerField, Sum, When
from django.utils import timezone

from puhui.core.audit import audit_record
from puhui.core.crypto import mask_id_number
from puhui.data.catalogue import GUARANTEES_FORM, LOANS_FORM
from puhui.data.derived import effective_submissions
from puhui.data.models import GuaranteeRecord, LoanRecord, ReportingPeriod, Submission
from puhui.engines.risk.contagion import contagion
from puhui.engines.risk.networks import build_network, group_summary
from puhui.registry.models import Firm, Household
from puhui.risk.models import NetworkGroup, NetworkGroupBank, NetworkNode, NetworkRun

BATCH = 5000
Kind = LoanRecord.IdKind


def _fen(yuan) -> np.ndarray:
    return np.rint(np.asarray(yuan, dtype=float) * 100).astype(np.int64)


def _submissions(period: ReportingPeriod) -> tuple[dict[int, int], dict[int, int]]:
    """(guarantees submission id → bank id, loans submission id → bank id): the approved versions in force."""
    ids = effective_submissions([period]).get(period.pk, [])
    rows = Submission.objects.filter(pk__in=ids, form__in=[GUARANTEES_FORM, LOANS_FORM]).values_list(
        "pk", "form", "institution_id"
    )
    guarantees = {pk: bank for pk, form, bank in rows if form == GUARANTEES_FORM}
    loans = {pk: bank for pk, form, bank in rows if form == LOANS_FORM}
    return guarantees, loans


def _labels(hashes: list[str], ids: dict[str, tuple[str, str]]) -> dict[str, str]:
    """What the office reads for each firm: its name in the register, or the household head's, else the
    masked number."""
    usccs = {number: h for h, (kind, number) in ids.items() if kind == Kind.USCC}
    names = dict(Firm.objects.filter(uscc__in=list(usccs)).values_list("uscc", "name"))
    people = dict(
        Household.objects.filter(
            head_id_hash__in=[h for h in hashes if ids.get(h, ("",))[0] == Kind.RESIDENT]
        ).values_list("head_id_hash", "head_name")
    )
    out = {}
    for h in hashes:
        kind, number = ids.get(h, ("", ""))
        name = names.get(number) if kind == Kind.USCC else people.get(h)
        out[h] = (name or ("企业" if kind == Kind.USCC else "个人") + mask_id_number(number))[:120]
    return out


def _identities(hashes: set[str], edges, loan_subs: list[int]) -> dict[str, tuple[str, str]]:
    """hash → (id kind, clear number): guarantors from their rows, borrowers from one of their loans."""
    ids = {}
    for h, kind, number in edges:
        ids.setdefault(h, (kind, number))
    missing = sorted(hashes - ids.keys())
    for start in range(0, len(missing), BATCH):
        rows = LoanRecord.objects.filter(
            submission_id__in=loan_subs, borrower_hash__in=missing[start : start + BATCH]
        ).values_list("borrower_hash", "id_kind", "borrower_id")
        for h, kind, number in rows.iterator(chunk_size=BATCH):
            ids.setdefault(h, (kind, str(number)))
    return ids


def network_build(*, actor, period: ReportingPeriod, progress=None) -> NetworkRun | None:
    """The period's guarantee network, replacing an earlier run; None when no bank's guarantees are approved."""
    started = time.perf_counter()
    say = progress or (lambda done, total, message: None)
    guarantee_subs, loan_subs = _submissions(period)
    if not guarantee_subs:
        NetworkRun.objects.filter(period=period).delete()
        return None
    say(0, 4, "正在读取担保关系")
    rows = list(
        GuaranteeRecord.objects.filter(submission_id__in=list(guarantee_subs)).values_list(
            "submission_id", "borrower_hash", "guarantor_hash", "amount_fen"
        )
    )
    sub, borrower, guarantor, amount = zip(*rows, strict=True)
    in_graph = set(borrower) | set(guarantor)
    say(1, 4, "正在读取贷款余额")
    lent = _lending(loan_subs, list(guarantee_subs))
    defaulted = {h: True for (_bank, h), (_b, npl) in lent.items() if npl > 0}
    net = build_network(guarantor, borrower, np.asarray(amount, dtype=float) / 100, defaulted)
    say(2, 4, "正在计算担保群、担保圈和传染损失")
    spread = contagion(net)
    summary = group_summary(net)
    guarantor_ids = GuaranteeRecord.objects.filter(submission_id__in=list(guarantee_subs)).values_list(
        "guarantor_hash", "guarantor_kind", "guarantor_id"
    )
    ids = _identities(in_graph, guarantor_ids.iterator(chunk_size=BATCH), list(loan_subs))
    labels = _labels(net.names, ids)
    say(3, 4, "正在保存")
    with transaction.atomic():
        NetworkRun.objects.filter(period=period).delete()
        run = NetworkRun.objects.create(
            period=period,
            built_at=timezone.now(),
            built_by=actor if getattr(actor, "is_authenticated", False) else None,
            firms=net.size,
            edges=net.adjacency.nnz,
            groups=net.group_count,
            circles=len(net.circles),
            submissions=sorted([*guarantee_subs, *loan_subs]),
        )
        groups = _store_groups(run, net, spread, summary, labels)
        _store_banks(groups, net, lent, sub, borrower, guarantor, amount, guarantee_subs)
        _store_nodes(run, groups, net, spread, ids, labels, lent)
        run.seconds = round(time.perf_counter() - started, 2)
        run.save(update_fields=["seconds"])
        audit_record(
            actor=actor,
            action="create",
            obj=run,
            note=f"生成 {period.label} 担保网络：{net.size:,} 户企业，{run.edges:,} 条担保关系，"
            f"{run.groups:,} 个担保群，{run.circles:,} 个担保圈",
        )
    say(4, 4, "完成")
    return run


def _lending(loan_subs: dict[int, int], guarantee_subs: list[int]) -> dict[tuple[int, str], tuple[int, int]]:
    """(bank, firm hash) → (balance, NPL balance) in fen, for the firms of the guarantee graph only."""
    if not loan_subs:
        return {}
    graph = GuaranteeRecord.objects.filter(submission_id__in=guarantee_subs)
    out: dict[tuple[int, str], tuple[int, int]] = {}
    for column in ("borrower_hash", "guarantor_hash"):
        rows = (
            LoanRecord.objects.filter(
                submission_id__in=list(loan_subs), borrower_hash__in=graph.values(column)
            )
            .values("submission_id", "borrower_hash")
            .annotate(
                balance=Sum("balance_fen"),
                npl=Sum(Case(When(status=LoanRecord.Status.NPL, then="balance_fen"), default=0,
                             output_field=IntegerField())),
            )
        )  # fmt: skip
        for r in rows.iterator(chunk_size=BATCH):
            out[(loan_subs[r["submission_id"]], r["borrower_hash"])] = (int(r["balance"]), int(r["npl"]))
    return out


def _store_groups(run, net, spread, summary, labels) -> list[NetworkGroup]:
    current = np.bincount(
        net.group, weights=np.where(net.defaulted, 0.0, spread.current_distress * spread.capacity),
        minlength=net.group_count,
    )  # fmt: skip
    worst = np.zeros(net.group_count)
    np.maximum.at(worst, net.group, spread.contagion_loss)
    groups = [
        NetworkGroup(
            run=run, number=g + 1, size=int(summary.size[g]), edges=int(summary.edges[g]),
            exposure_fen=int(_fen(summary.exposure[g])), defaulted=int(summary.defaulted[g]),
            circles=int(summary.circles[g]), mutual=int(summary.mutual[g]), chain=int(summary.chain[g]),
            hub_label=labels[net.names[summary.hub[g]]], current_loss_fen=int(_fen(current[g])),
            max_loss_fen=int(_fen(worst[g])),
        )
        for g in range(net.group_count)
    ]  # fmt: skip
    return NetworkGroup.objects.bulk_create(groups, batch_size=BATCH)


def _store_banks(groups, net, lent, sub, borrower, guarantor, amount, guarantee_subs) -> None:
    """Each bank's part of each group: its loans to members, and the guarantees it reported on the group."""
    index = {name: i for i, name in enumerate(net.names)}
    parts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for (bank, h), (balance, npl) in lent.items():
        part = parts[(int(net.group[index[h]]), bank)]
        part[0] += 1
        part[1] += balance
        part[2] += npl
    for s, b, fen in zip(sub, borrower, amount, strict=True):
        parts[(int(net.group[index[b]]), guarantee_subs[s])][3] += fen
    rows = [
        NetworkGroupBank(
            group=groups[g], institution_id=bank, borrowers=p[0], balance_fen=p[1], npl_fen=p[2],
            guaranteed_fen=p[3],
        )
        for (g, bank), p in parts.items()
    ]  # fmt: skip
    NetworkGroupBank.objects.bulk_create(rows, batch_size=BATCH)
    totals = defaultdict(lambda: [0, 0, 0])
    for (g, _bank), p in parts.items():
        totals[g][0] += p[1]
        totals[g][1] += p[2]
        totals[g][2] += 1
    for g, (balance, npl, banks) in totals.items():
        groups[g].balance_fen, groups[g].npl_fen, groups[g].banks = balance, npl, banks
    NetworkGroup.objects.bulk_update(
        [groups[g] for g in totals], ["balance_fen", "npl_fen", "banks"], batch_size=BATCH
    )


def _store_nodes(run, groups, net, spread, ids, labels, lent) -> None:
    balance = defaultdict(int)
    for (_bank, h), (fen, _npl) in lent.items():
        balance[h] += fen
    exposure, guaranteed = _fen(net.exposure), _fen(net.guaranteed)
    loss = _fen(spread.contagion_loss)
    nodes = (
        NetworkNode(
            run=run, group=groups[int(net.group[i])], node_hash=h, id_kind=ids.get(h, ("",))[0] or Kind.USCC,
            label=labels[h], circle=int(net.circle[i]) + 1 if net.circle[i] >= 0 else None,
            in_degree=int(net.in_degree[i]), out_degree=int(net.out_degree[i]), exposure_fen=int(exposure[i]),
            guaranteed_fen=int(guaranteed[i]), balance_fen=balance.get(h, 0), defaulted=bool(net.defaulted[i]),
            contagion_fen=int(loss[i]), vulnerability=float(spread.vulnerability[i]),
            distress=float(spread.current_distress[i]),
        )
        for i, h in enumerate(net.names)
    )  # fmt: skip
    batch = []
    for node in nodes:
        batch.append(node)
        if len(batch) == BATCH:
            NetworkNode.objects.bulk_create(batch)
            batch = []
    NetworkNode.objects.bulk_create(batch)


def networks_build_pending(*, actor, progress=None) -> list[NetworkRun]:
    """Every quarter whose approved guarantees or loans changed since its run (or that has none yet)."""
    built = []
    runs = {r.period_id: set(r.submissions) for r in NetworkRun.objects.all()}
    for period_id, ids in effective_submissions().items():
        wanted = set(
            Submission.objects.filter(pk__in=ids, form__in=[GUARANTEES_FORM, LOANS_FORM]).values_list(
                "pk", flat=True
            )
        )
        has_guarantees = Submission.objects.filter(pk__in=wanted, form=GUARANTEES_FORM).exists()
        if not has_guarantees or runs.get(period_id) == wanted:
            continue
        run = network_build(actor=actor, period=ReportingPeriod.objects.get(pk=period_id), progress=progress)
        if run is not None:
            built.append(run)
    return built
