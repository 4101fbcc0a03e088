"""The test county placed on a map: 历山1村 at the origin, 历山2村 3 km east, 鲁村1村 6 km north, 鲁村2村 30 km away;
the villages' centres are cached, so the cache is cleared around each test."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from puhui.core.models import Terminal

# (lon, lat) near 沂源: 0.0335° of longitude ≈ 3 km at 36.2° N, 0.054° of latitude ≈ 6 km
SPOTS = [(118.1700, 36.1800), (118.2035, 36.1800), (118.1700, 36.2340), (118.5000, 36.1800)]


@pytest.fixture
def mapped(county):
    for village, (lon, lat) in zip(county["villages"], SPOTS, strict=True):
        village.longitude, village.latitude = Decimal(str(lon)), Decimal(str(lat))
        village.save(update_fields=["longitude", "latitude"])
    station = county["service_points"][1]  # 历山1村服务站 (RCB): withdrawal + cross-bank
    station.functions = ["withdrawal", "transfer", "bill_payment", "cross_bank"]
    station.save(update_fields=["functions"])
    Terminal.objects.filter(code="T2").update(bill_items=["electricity", "water"])
    cache.clear()
    yield county
    cache.clear()
