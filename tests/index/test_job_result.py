"""The index build job says what it computed and links to its draft's comparison page."""

import pytest
from django.core.management import call_command

from puhui.index.models import IndexRun
from puhui.jobs.models import Job


@pytest.mark.django_db(transaction=True)
def test_the_rebuild_job_links_to_its_new_run(dated, login, users):
    client = login(users["office"])
    client.post("/index/rebuild/")
    call_command("worker", batch=True, verbosity=0)
    job = Job.objects.get()
    first = IndexRun.objects.order_by("pk").first()
    # The draft's link is its comparison with the published index, where it is published from.
    assert job.result_url == f"/index/runs/{first.pk}/compare/"
    assert job.result_summary.startswith("已计算普惠金融指数 2 批：年度（2019年至")
    assert "草稿，待发布" in job.result_summary
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f'href="/index/runs/{first.pk}/compare/" data-testid="job-result-link"' in page
    assert client.get(job.result_url).status_code == 200
