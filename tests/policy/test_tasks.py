"""The 评价上一年度的政策激励 job: started by the office from the job page, run by the worker, its result said."""

import pytest
from django.core.management import call_command

from puhui.jobs.models import Job
from puhui.policy.models import Evaluation


@pytest.mark.django_db(transaction=True)
def test_the_office_starts_the_evaluation_job(login, users, county, settings):
    settings.PUHUI_DATA_LAST_YEAR = 2021
    client = login(users["office"])
    assert 'data-testid="start-policy_evaluate"' in client.get("/jobs/").content.decode()
    assert login(users["abc"]).post("/jobs/start/policy_evaluate/").status_code == 404
    client = login(users["office"])
    client.post("/jobs/start/policy_evaluate/")
    call_command("worker", batch=True, verbosity=0)
    job = Job.objects.get()
    # The test county has no approved returns: the job ends and says why, and stores nothing.
    assert job.result_summary == "2021 年未评价：2021 年还没有审核通过的季度数据，不能评价。"
    assert job.result_url == "/policy/" and Evaluation.objects.count() == 0
