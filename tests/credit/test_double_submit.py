"""An objection submitted twice (a double click) is stored once."""

from puhui.credit.models import Objection


def test_double_submitted_objection_is_stored_once(county, users, login, archived):
    hh = archived(0)
    farmer = login(users["public"])
    for _ in range(2):
        r = farmer.post(f"/credit/households/{hh.pk}/objection/", {"text": "资产少算了"}, follow=True)
        assert "书面答复" in r.content.decode()
    assert Objection.objects.filter(household=hh).count() == 1
    farmer.post(f"/credit/households/{hh.pk}/objection/", {"text": "收入也少算了"})  # another objection
    assert Objection.objects.filter(household=hh).count() == 2


def test_same_objection_later_is_a_new_one(county, users, login, archived, settings):
    hh = archived(0)
    farmer = login(users["public"])
    settings.PUHUI_DOUBLE_SUBMIT_SECONDS = 0
    farmer.post(f"/credit/households/{hh.pk}/objection/", {"text": "资产少算了"})
    farmer.post(f"/credit/households/{hh.pk}/objection/", {"text": "资产少算了"})
    assert Objection.objects.filter(household=hh).count() == 2
