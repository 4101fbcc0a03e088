"""Reads of the guarantee networks, always through `puhui.risk.access`."""

import re

from django.db.models import Count, Q, Sum
from django.http import Http404

from puhui.data.models import GuaranteeRecord
from puhui.risk import access
from puhui.risk.models import NetworkGroup, NetworkGroupBank, NetworkNode, NetworkRun

PERIOD_CODE = re.compile(r"[0-9A-Z-]{4,10}")  # 2021Q4, 2021-03, 2021
GRAPH_LIMIT = 400  # firms drawn at most: a larger group is read in its tables
TOP_VULNERABLE = 20


def run_for(user, code: str | None) -> NetworkRun | None:
    """The run of the period asked for (?period=2021Q4), else the latest; Http404 for an unknown period."""
    runs = access.runs_for(user)
    if code:
        if not PERIOD_CODE.fullmatch(
            code
        ):  # a hostile value never reaches the database (NUL bytes on PostgreSQL)
            raise Http404
        run = runs.filter(period__code=code).first()
        if run is None:
            raise Http404
        return run
    return runs.first()


def run_choices(user) -> list[NetworkRun]:
    return list(access.runs_for(user))


def overview(user, run: NetworkRun) -> dict:
    """The county's figures for the office; a bank's own share of the groups it lends into."""
    groups = access.groups_for(user, run)
    # Aliases apart from the field names: an aggregate named like a field hides it from the filters.
    sums = groups.aggregate(
        n_groups=Count("pk"),
        n_firms=Sum("size"),
        n_edges=Sum("edges"),
        n_circles=Sum("circles"),
        n_mutual=Sum("mutual"),
        n_exposure=Sum("exposure_fen"),
        n_balance=Sum("balance_fen"),
        n_npl=Sum("npl_fen"),
        n_current_loss=Sum("current_loss_fen"),
        n_with_circles=Count("pk", filter=Q(circles__gt=0)),
        n_with_defaults=Count("pk", filter=Q(defaulted__gt=0)),
    )
    figures = {k.removeprefix("n_"): v or 0 for k, v in sums.items()}
    bank = access.bank_of(user)
    if bank is not None:
        own = NetworkGroupBank.objects.filter(group__run=run, institution=bank).aggregate(
            balance=Sum("balance_fen"), npl=Sum("npl_fen"), borrowers=Sum("borrowers")
        )
        figures["own"] = {k: v or 0 for k, v in own.items()}
        figures["others_balance"] = figures["balance"] - figures["own"]["balance"]
    return figures


def top_vulnerable(user, run: NetworkRun, k: int = TOP_VULNERABLE) -> list[NetworkNode]:
    return list(
        access.nodes_for(user, run)
        .select_related("group")
        .filter(vulnerability__gt=0)
        .order_by("-vulnerability", "pk")[:k]
    )


def group_page(user, group: NetworkGroup) -> dict:
    """A group's banks (a bank: its own row and the others summed), circles and firms (the office)."""
    rows = list(access.bank_rows_for(user, group))
    others = None
    if not access.sees_all(user):
        mine = {r.institution_id for r in rows}
        others = group.bank_rows.exclude(institution_id__in=mine).aggregate(
            banks=Count("pk"), balance=Sum("balance_fen"), npl=Sum("npl_fen"), borrowers=Sum("borrowers")
        )
        others = {k: v or 0 for k, v in others.items()}
    nodes = list(access.nodes_for(user, group.run).filter(group=group).order_by("-contagion_fen", "pk"))
    circles: dict[int, list[NetworkNode]] = {}
    for n in nodes:
        if n.circle:
            circles.setdefault(n.circle, []).append(n)
    return {
        "bank_rows": rows,
        "others": others,
        "nodes": nodes,
        "circles": sorted(circles.items()),
        "drawable": access.sees_all(user) and group.size <= GRAPH_LIMIT,
    }


def group_graph(user, group: NetworkGroup) -> dict:
    """Nodes and links of a group for the ECharts graph (the office only; a group of at most GRAPH_LIMIT)."""
    if not access.sees_all(user) or group.size > GRAPH_LIMIT:
        raise Http404
    nodes = list(
        NetworkNode.objects.filter(group=group).values(
            "node_hash", "label", "circle", "defaulted", "exposure_fen", "balance_fen", "contagion_fen"
        )
    )
    hashes = [n["node_hash"] for n in nodes]
    index = {h: i for i, h in enumerate(hashes)}
    links = (
        GuaranteeRecord.objects.filter(submission_id__in=group.run.submissions, borrower_hash__in=hashes)
        .values("guarantor_hash", "borrower_hash")
        .annotate(amount=Sum("amount_fen"))
    )
    return {
        "nodes": [
            {
                "id": i,
                "name": n["label"],
                "circle": n["circle"],
                "defaulted": n["defaulted"],
                "exposure": n["exposure_fen"] / 100,
                "balance": n["balance_fen"] / 100,
                "loss": n["contagion_fen"] / 100,
            }
            for i, n in enumerate(nodes)
        ],
        "links": [
            {
                "source": index[r["guarantor_hash"]],
                "target": index[r["borrower_hash"]],
                "amount": r["amount"] / 100,
            }
            for r in links
            if r["guarantor_hash"] in index
        ],
    }
