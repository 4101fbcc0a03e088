"""The finder's API: the places near a village, as the public page shows them (public data only)."""

from django.http import Http404
from ninja import Field, Query, Router, Schema

from puhui.api.auth import token_auth
from puhui.finder.needs import BY_CODE
from puhui.finder.selectors.places import places_near

router = Router(tags=["便民金融服务查询"], auth=token_auth)


class PlaceOut(Schema):
    key: str = Field(..., title="标识")
    name: str = Field(..., title="名称")
    kind: str = Field(..., title="类别")
    address: str = Field(..., title="地址")
    km: float | None = Field(None, title="距离（公里）")
    services: list[str] = Field(..., title="服务项目")
    hours: str = Field(..., title="营业时间")
    phone: str = Field(..., title="电话")
    note: str = Field(..., title="说明")


@router.get("/places", response=list[PlaceOut], summary="某村附近的便民金融服务网点")
def places(request, village: int = Query(..., ge=1, le=2_147_483_647), need: str = Query("", max_length=200)):
    codes = [c for c in need.split(",") if c in BY_CODE]
    found = places_near(village, codes)
    if found is None:
        raise Http404
    return found["places"]
