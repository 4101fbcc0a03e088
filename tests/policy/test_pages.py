"""The incentive pages read a bounded number of queries, whatever the number of results they show."""


def test_the_evaluation_and_reserve_pages_have_no_n_plus_one(
    worked_evaluation, login, users, django_assert_max_num_queries
):
    client = login(users["office"])
    client.get("/")  # a process's first request also checks the encryption key (puhui/core/keycheck.py)
    assert worked_evaluation.results.count() == 30
    with django_assert_max_num_queries(15):
        page = client.get(f"/policy/evaluations/{worked_evaluation.pk}/")
    assert page.content.decode().count('href="/policy/results/') == 30  # every result shown, each a link
    with django_assert_max_num_queries(15):
        assert client.get("/policy/reserve/").status_code == 200
