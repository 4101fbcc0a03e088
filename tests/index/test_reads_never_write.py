"""Reads never write: the index pages change no data, on a fresh database (no framework, no run: the
shipped framework is installed by the first build, a write) and with published runs."""

import pytest

from tests.reads import writes_during

LUCUN = "370323102000"


def test_index_pages_write_nothing_on_a_fresh_database(client, county, users):
    from puhui.index.models import IndexFramework

    client.force_login(users["office"])
    for url in ("/index/", "/index/methodology/", f"/index/towns/{LUCUN}/"):
        _status, writes = writes_during(client, url)
        assert writes == [], f"GET {url} wrote: {writes}"
    assert not IndexFramework.objects.exists()


@pytest.mark.parametrize("who", ["office", "member"])
def test_index_pages_write_nothing(client, published, users, who):
    client.force_login(users[who])
    urls = [
        "/index/",
        "/index/?frequency=quarter",
        f"/index/towns/{LUCUN}/?period=2021",
        "/index/indicators/A1/",
        "/index/methodology/",
        "/index/methodology/?download=docx",
        f"/index/runs/{published[0].pk}/export.xlsx",
    ]
    for url in urls:
        status, writes = writes_during(client, url)
        assert writes == [], f"GET {url} ({who}) wrote: {writes}"
