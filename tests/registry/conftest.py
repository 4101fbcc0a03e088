import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The filter choices (activities, industries) are cached per process; each test builds its own county.
    cache.clear()
    yield
    cache.clear()
