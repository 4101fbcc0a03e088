"""What a visitor may ask the finder for, and which of a place's service labels answer it. Places of every
layer describe themselves in Chinese labels (the register's function and bill-item names, a cash point's
services, a merchant's ways to pay), so a need is the set of labels that meet it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Need:
    code: str
    label: str
    answers: frozenset


NEEDS = (
    Need("withdraw", "取现金", frozenset({"小额取款", "存取款", "大额现金预约取款"})),
    Need("transfer", "转账汇款", frozenset({"转账", "汇款", "转账汇款"})),
    Need("cross_bank", "跨行办理", frozenset({"跨行支付"})),
    Need("electricity", "缴电费", frozenset({"电费"})),
    Need("water", "缴水费", frozenset({"水费"})),
    Need("gas", "缴燃气费", frozenset({"燃气费"})),
    Need("insurance_fee", "缴养老、医疗保险", frozenset({"养老保险", "医疗保险"})),
    Need("phone", "缴话费", frozenset({"通信费"})),
    Need("exchange", "兑换零钱、残损币、新币", frozenset({"小面额兑换", "残损币兑换", "新券兑换"})),
    Need("coins", "兑换纪念币", frozenset({"纪念币兑换"})),
    Need("card_shop", "能刷卡、扫码付款的商户", frozenset({"受理银行卡", "受理二维码", "受理POS机"})),
    Need("knowledge", "金融知识、识别假币", frozenset({"金融知识宣传", "反假货币", "反假货币咨询"})),
)
BY_CODE = {n.code: n for n in NEEDS}


def meets(services, codes) -> bool:
    """Whether a place with these service labels meets every need asked for."""
    have = set(services)
    return all(BY_CODE[code].answers & have for code in codes if code in BY_CODE)
