"""The recomputation job says what it produced and links to the targets page."""

import pytest
from django.core.management import call_command

from puhui.jobs.models import Job


@pytest.mark.django_db(transaction=True)
def test_recompute_job_links_to_the_targets(login, users, county, catalogue):
    office = login(users["office"])
    office.post("/jobs/start/derived_compute/")
    call_command("worker", batch=True, verbosity=0)
    job = Job.objects.get()
    assert job.result_summary.startswith("已重算派生指标：") and "个指标值" in job.result_summary
    assert job.result_url == "/data/targets/"
    page = office.get(f"/jobs/{job.pk}/").content.decode()
    assert 'href="/data/targets/" data-testid="job-result-link"' in page
    assert "用时（秒）" in page and "seconds" not in page
