"""The demo county's local finance: the local organisations' licences (the organisations themselves are in
the core demo network), the listing pipeline, direct financing, the apple exchange and credit mutuals.

Runs before the data demo (INSTALLED_APPS order), so the indicators it computes already count these records.
Written through the services, as the finance centre's own user, so every rule holds."""

import datetime
from decimal import Decimal

from puhui.core.models import Organisation
from puhui.localfin import demo_financing, demo_listing
from puhui.localfin.models import CreditMutual
from puhui.localfin.services.orgs import licence_save

D = datetime.date
WAN = Decimal(10_000)
# organisation code → (文号, approved, capital 万元, leverage cap 倍, scope)
LICENCES = {
    "GUAR-YY": ("鲁融担〔2016〕0031号", D(2016, 5, 10), 20000, Decimal("10"), "借款类担保、发行债券担保等融资担保业务"),
    "MCC-YY": ("鲁金监字〔2012〕58号", D(2012, 8, 21), 10000, None, "在沂源县域内发放小额贷款，开展小企业发展、管理、财务咨询"),
    "MCC2-YY": ("鲁金监字〔2020〕17号", D(2020, 5, 28), 5000, None, "在沂源县域内发放小额贷款"),
    "LEASE-YY": ("淄金监〔2019〕5号", D(2019, 2, 26), 30000, None, "融资租赁业务；租赁财产的残值处理及维修"),
    "FACT-YY": ("淄金监〔2020〕22号", D(2020, 9, 8), 5000, None, "保付代理（非银行融资类）"),
    "MJRZ-YY": ("鲁金监字〔2015〕96号", D(2015, 10, 16), 3000, None, "民间资金供需信息登记、撮合和备案"),
    "QLNCP-YY": ("鲁政办字〔2013〕88号", D(2018, 9, 20), 5000, None, "苹果等大宗农产品摘挂牌交易、仓单交易服务"),
}  # fmt: skip
MUTUAL_CAPITAL = 100 * WAN  # a cooperative's 互助金 at approval
COUNT_LABELS = {"licences": "地方金融组织许可", "candidates": "上市后备企业", "financing": "直接融资记录"}


def build(ctx) -> dict:
    actor = ctx.users.get("member_jrzx") or ctx.users.get("office")
    licences = 0
    for code, (number, approved, capital, cap, scope) in LICENCES.items():
        org = Organisation.objects.filter(code=code).first()
        if org is None:
            continue
        licence_save(
            actor=actor, organisation=org, licence_no=number, licensed_on=approved,
            supervisor="县金融证券工作服务中心", registered_capital=capital * WAN, leverage_cap=cap, scope=scope,
        )  # fmt: skip
        licences += 1
    listing = demo_listing.build(ctx) or {}
    financing = demo_financing.build(ctx) or {}
    for n, mutual in enumerate(CreditMutual.objects.select_related("organisation").order_by("pk"), start=1):
        licence_save(
            actor=actor, organisation=mutual.organisation, licence_no=f"沂金服字〔{mutual.approved_on.year}〕{n}号",
            licensed_on=mutual.approved_on, supervisor="县金融证券工作服务中心", registered_capital=MUTUAL_CAPITAL,
            scope="在社员内部开展信用互助，不对外吸储放贷、不支付固定回报",
        )  # fmt: skip
        licences += 1
    # Three figures for the demo's summary (the audit note is short); the parts said more as they ran.
    return {
        "licences": licences,
        "candidates": listing.get("listing_candidates", 0),
        "financing": financing.get("localfin_bonds", 0) + financing.get("localfin_equity", 0),
    }
