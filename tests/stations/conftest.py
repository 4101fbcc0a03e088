"""The stations scene on the test county: photos in a temporary MEDIA_ROOT, a real PNG, monthly figures."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from PIL import Image

D = datetime.date


def png(colour=(30, 120, 200)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 6), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def figures(**overrides) -> dict:
    data = {
        "withdrawal_count": 120,
        "withdrawal_amount": Decimal("56000.00"),
        "transfer_count": 30,
        "transfer_amount": Decimal("90000.00"),
        "remittance_count": 4,
        "remittance_amount": Decimal("8000.00"),
        "bill_count": 60,
        "bill_amount": Decimal("5400.50"),
        "daily_limit": Decimal("1000"),
    }
    data.update(overrides)
    return data


def inspection_data(county, **overrides) -> dict:
    data = {
        "point": county["service_points"][0],
        "inspected_on": D(2021, 4, 8),
        "inspector": "张检查",
        "failed": ["signage"],
        "findings": "门口标识牌脱落。",
        "rectify_by": D(2021, 4, 30),
        "photos": [("现场.png", png())],
    }
    data.update(overrides)
    return data
