"""Risk monitoring over /api/v1/risk/: guarantee networks (`networks`) and early warnings (`warnings`).

A token sees what its organisation's staff see on the pages (`puhui.risk.access`)."""

from ninja import Router

from puhui.api.auth import token_auth
from puhui.risk.api import networks, warnings

router = Router(tags=["金融风险"], auth=token_auth)
# ---- networks
router.add_router("", networks.router)
# ---- warnings
router.add_router("", warnings.router)
