"""An ID number or phone typed into the household search never reaches a URL (docs/architecture.md,
Personal data): the search forms post, the list is reached by a redirect carrying the keyed hash, and a
GET with a number in `q` is redirected without echoing it. Names and household codes stay in the URL."""

import re
from urllib.parse import quote

import pytest

from puhui.core import crypto
from tests.conftest import ID_NUMBERS

URL = "/registry/households/"
LOOKUP = "/registry/households/lookup/"
PHONE = "13800000002"
NUMBERS = [ID_NUMBERS[2], ID_NUMBERS[2].lower(), " 370323 1992 1230 001x ", PHONE]


def codes(response) -> set[str]:
    return {h.code for h in response.context["page"]}


def urls_in(response) -> list[str]:
    """Every address a response sends the browser to: its Location, its links, its forms' actions."""
    found = [response["Location"]] if response.has_header("Location") else []
    if response.get("Content-Type", "").startswith("text/html"):
        found += re.findall(r'(?:href|action|hx-get|hx-post|src)="([^"]*)"', response.content.decode())
    return found


def assert_never_in_urls(responses, number):
    forms = {number, number.strip(), crypto.normalise(number), quote(number), quote(crypto.normalise(number))}
    for response in responses:
        for url in urls_in(response):
            assert not any(f and f in url for f in forms), url


def test_the_search_form_posts(login, users, county):
    html = login(users["office"]).get(URL).content.decode()
    search = next(f for f in re.findall(r"<form.*?</form>", html, re.S) if 'name="q"' in f)
    assert 'method="post"' in search and f'action="{LOOKUP}"' in search and 'name="q"' in search
    assert "hx-get" not in search


@pytest.mark.parametrize("number", NUMBERS)
def test_a_number_in_the_search_box_travels_as_its_hash(login, users, county, number):
    client = login(users["office"])
    posted = client.post(LOOKUP, {"q": number, "farm": ""})
    assert posted.status_code == 302
    assert f"key={crypto.lookup_hash(crypto.normalise(number))}" in posted["Location"]
    listed = client.get(posted["Location"])
    assert codes(listed) == {"H2"}  # H2's ID number and phone
    assert_never_in_urls([posted, listed], number)
    assert crypto.normalise(number) not in listed.content.decode()  # masked in the rows too


def test_the_htmx_search_follows_to_the_hashed_list(login, users, county):
    client = login(users["office"])
    r = client.post(LOOKUP, {"q": ID_NUMBERS[2]}, HTTP_HX_REQUEST="true", follow=True)
    assert r.status_code == 200 and codes(r) == {"H2"}
    assert all(ID_NUMBERS[2] not in url for url, _status in r.redirect_chain)
    assert_never_in_urls([r], ID_NUMBERS[2])


def test_other_filters_are_kept_and_names_stay_readable(login, users, county):
    client = login(users["office"])
    town = county["towns"][1].pk
    r = client.post(LOOKUP, {"q": ID_NUMBERS[2], "town": town, "farm": "1"})
    assert f"town={town}" in r["Location"] and "farm=1" in r["Location"] and "q=" not in r["Location"]
    r = client.post(LOOKUP, {"q": "户主2", "town": "", "activity": ""})
    assert r.status_code == 302 and r["Location"] == f"{URL}?q={quote('户主2')}"
    assert codes(client.get(r["Location"])) == {"H2"}
    assert client.post(LOOKUP, {"q": ""})["Location"] == URL


@pytest.mark.parametrize("number", [ID_NUMBERS[2], PHONE])
def test_a_get_with_a_number_is_redirected_without_echoing_it(login, users, county, number):
    client = login(users["office"])
    r = client.get(URL, {"q": number, "page": "2"})
    assert r.status_code == 302
    assert number not in r["Location"] and "key=" in r["Location"]
    assert_never_in_urls([r], number)
    assert number not in r.content.decode()
    assert codes(client.get(r["Location"])) == {"H2"}


def test_the_exact_lookup_still_works_and_keeps_the_number_out(login, users, county):
    client = login(users["town_lishan"])
    r = client.post(LOOKUP, {"number": ID_NUMBERS[0]})
    assert r.status_code == 302 and ID_NUMBERS[0] not in r["Location"]
    assert codes(client.get(r["Location"])) == {"H0"}
    r = client.post(LOOKUP, {"number": ID_NUMBERS[0][:10]})  # the form again with its error
    assert r.status_code == 200 and "请输入完整的18位" in r.content.decode()
    assert_never_in_urls([r], ID_NUMBERS[0][:10])
