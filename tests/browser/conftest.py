"""Fixtures of the core browser tests (the browser itself is set up in tests/conftest.py)."""

import pytest


def square(lon, lat, size=0.05):
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        ],
    }


@pytest.fixture
def mapped_county(transactional_db, county):
    for i, town in enumerate(county["towns"]):
        town.boundary = square(118.1 + 0.05 * i, 36.1)
        town.save(update_fields=["boundary"])
    return county
