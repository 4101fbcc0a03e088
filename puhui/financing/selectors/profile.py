"""The financing section of a firm's credit profile (core hook PROFILE_SECTIONS): its demands as this user may
see them — a lender only those routed to it — with their answers and loans, and its adviser's visits."""

from django.db.models import Count, Max

from puhui.core.periods import date_cn
from puhui.financing import access

DEMANDS_SHOWN = 5


def _loan(route) -> str:
    if route.granted_on is None:
        return f"{route.bank.name}：{route.get_answer_display()}"
    seen = (
        f"，{route.loan_seen_in}贷款明细表借据号 {route.loan_no}"
        if route.loan_no
        else "（银行登记，待贷款明细表确认）"
    )
    return f"{route.bank.name}：{date_cn(route.granted_on)}放款 {route.granted_amount:,.2f} 元{seen}"


def section(user, *, firm) -> dict | None:
    demands = list(access.demands_for(user).filter(firm=firm).order_by("-posted_on", "-pk")[:DEMANDS_SHOWN])
    visits = access.visits_for(user).filter(firm=firm).aggregate(n=Count("pk"), last=Max("visited_on"))
    if not demands and not visits["n"]:
        return None
    routes = access.routes_for(user).filter(demand__in=demands).select_related("bank").order_by("best_rank")
    by_demand: dict[int, list] = {}
    for route in routes:
        by_demand.setdefault(route.demand_id, []).append(_loan(route))
    rows = [
        (
            f"{date_cn(d.posted_on)}融资需求",
            f"{d.amount:,.0f} 元，{d.term} 个月，{d.get_status_display()}"
            + "".join(f"；{line}" for line in by_demand.get(d.pk, [])),
        )
        for d in demands
    ]
    if visits["n"]:
        rows.append(("金融辅导员走访", f"{visits['n']} 次，最近一次 {date_cn(visits['last'])}"))
    return {"title": "融资对接", "rows": rows, "url": "financing:demands"}
