"""Financial risk monitoring (plan 二十一; lead: 县人民银行): the county's guarantee networks each period
(`networks`) and early warnings over the banks' reported loans (`warnings`)."""

from puhui.risk.models.networks import NetworkGroup, NetworkGroupBank, NetworkNode, NetworkRun

# ---- warnings
from puhui.risk.models.warnings import Warning, WarningNote, WarningRuleVersion  # noqa: E402

__all__ = ["NetworkGroup", "NetworkGroupBank", "NetworkNode", "NetworkRun"]
# ---- warnings
__all__ += ["Warning", "WarningNote", "WarningRuleVersion"]
