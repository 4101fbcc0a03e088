"""The demo's returns pass the platform's own rules: every current submission, sent again as its
institution would send it (puhui/data/demo_check.py), is accepted by the validator."""

from puhui.data.demo_check import aggregate_rows, loan_rows, refused_submissions
from puhui.data.models import AggregateValue, Submission


def test_every_demo_return_passes_the_validator(in_demo):
    current = Submission.objects.filter(is_current=True)
    # Sent as the form has them: the Excel form's columns and words.
    rows = aggregate_rows(current.filter(form="deposits_loans").first())
    assert rows and set(rows[0]) >= {"镇（街道）代码", "各项存款余额（元）"}
    loans = loan_rows(current.filter(form="loans").first())
    assert loans and loans[0]["借款人类型"] in {"农户", "小微企业", "个体工商户", "其他"}
    assert loans[0]["信用贷款"] in {"是", "否"} and len(loans[0]["所在区划代码"]) == 12

    refused = refused_submissions()
    summary = {
        f"{s.institution.short_name} {s.form} {s.period.code}": [e.reason for e in errors[:3]]
        for s, errors in refused.items()
    }
    assert summary == {}
    # The year-on-year rule did bite: the demo wrote the 说明 a careful bank writes.
    assert AggregateValue.objects.exclude(note="").exists()
