"""The archive form and personal data (finding M2): ID numbers masked, 显示明文 logged, no-store, drafts
without ID numbers and cleared at logout, no inline scripts."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from puhui.core.crypto import mask_id_number
from puhui.core.models import AuditLog
from puhui.credit import services
from puhui.credit.models import HouseholdArchive
from puhui.credit.views import DRAFT_EXCLUDED_FIELDS
from tests.conftest import ID_NUMBERS

MEMBER_ID = "37032319921230001X"  # ID_NUMBERS[2], used here as a member of H0
CREDIT = Path(__file__).resolve().parents[2] / "puhui" / "credit"
TEMPLATES = [
    CREDIT / "templates" / "credit" / "archive_form.html",
    CREDIT / "templates" / "credit" / "clear_value.html",
    CREDIT.parent / "templates" / "registration" / "login.html",
]


class _Inputs(HTMLParser):
    """The archive form's attributes and the names and values of its fields."""

    def __init__(self):
        super().__init__()
        self.form: dict = {}
        self.fields: dict[str, str] = {}
        self.scripts: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "archive-form":
            self.form = a
        elif tag == "input" and a.get("name"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.fields[a["name"]] = a.get("value") or ""
        elif tag in {"select", "textarea"} and a.get("name"):
            self.fields[a["name"]] = ""
            self._select = a["name"] if tag == "select" else None
            self._textarea = a["name"] if tag == "textarea" else None
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value") or ""
        elif tag == "script":
            self.scripts.append(a)

    def handle_endtag(self, tag):
        if tag in {"select", "textarea"}:
            self._select = self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data.lstrip("\n") if not self.fields[self._textarea] else data


def parse(html: str) -> _Inputs:
    p = _Inputs()
    p.feed(html)
    return p


def unmask_logs():
    return AuditLog.objects.filter(action=AuditLog.Action.UNMASK, note__startswith="查看明文")


@pytest.fixture
def with_members(county, users, complete):
    hh = county["households"][0]
    services.archive_save(
        actor=users["agent"],
        household=hh,
        data=complete,
        members=[
            {"name": "户主0", "relation": "户主", "id_number": ID_NUMBERS[0], "age": 40, "is_labour": True},
            {"name": "张小", "relation": "子女", "id_number": MEMBER_ID, "age": 12, "is_labour": False},
        ],
    )
    return hh


def form_data(page: _Inputs, **changes) -> dict:
    data = {k: v for k, v in page.fields.items() if not k.endswith("DELETE")}
    data.update(changes)
    return data


# ---------------------------------------------------------------- masked, never clear


def test_new_archive_form_shows_head_id_masked_only(county, users, login):
    hh = county["households"][0]
    r = login(users["agent"]).get(f"/credit/households/{hh.pk}/archive/")
    html = r.content.decode()
    assert r.status_code == 200
    assert ID_NUMBERS[0] not in html  # the old form put the head's clear ID in the first member's input
    page = parse(html)
    assert page.fields["m-0-id_number"] == mask_id_number(ID_NUMBERS[0]) == "370323********1234"
    assert page.fields["m-0-id_ref"] == "head"
    assert 'data-testid="unmask-m-0"' in html and "显示明文" in html


def test_existing_archive_form_shows_member_ids_masked_only(county, users, login, with_members):
    html = login(users["town_lishan"]).get(f"/credit/households/{with_members.pk}/archive/").content.decode()
    assert ID_NUMBERS[0] not in html and MEMBER_ID not in html
    page = parse(html)
    ids = {page.fields[f"m-{i}-id_number"] for i in (0, 1)}
    assert ids == {mask_id_number(ID_NUMBERS[0]), mask_id_number(MEMBER_ID)}


@pytest.mark.parametrize(
    "url",
    ["/credit/households/{pk}/archive/", "/credit/households/{pk}/", "/credit/", "/credit/lines/"],
)
def test_pages_with_personal_data_are_not_stored(county, users, login, with_members, url):
    r = login(users["agent"]).get(url.format(pk=with_members.pk))
    assert r.status_code == 200
    assert "no-store" in r["Cache-Control"]


# ---------------------------------------------------------------- saving with masked values


def test_masked_ids_posted_back_keep_the_stored_numbers(county, users, login, with_members):
    c = login(users["agent"])
    url = f"/credit/households/{with_members.pk}/archive/"
    page = parse(c.get(url).content.decode())
    r = c.post(url, form_data(page, labour_count="3"))
    assert r.status_code == 302, r.content.decode()[:2000]
    archive = HouseholdArchive.objects.get(household=with_members)
    assert archive.labour_count == 3
    assert sorted(m.id_number for m in archive.members.all()) == sorted([ID_NUMBERS[0], MEMBER_ID])


def test_new_archive_keeps_head_id_from_registry(county, users, login, complete):
    hh = county["households"][0]
    c = login(users["agent"])
    url = f"/credit/households/{hh.pk}/archive/"
    page = parse(c.get(url).content.decode())
    values = {
        k: ("" if v is None else str(v).lower() if isinstance(v, bool) else v) for k, v in complete.items()
    }
    r = c.post(url, form_data(page, **values))
    assert r.status_code == 302, r.content.decode()[:2000]
    assert HouseholdArchive.objects.get(household=hh).members.get().id_number == ID_NUMBERS[0]


def test_typed_full_id_replaces_and_blank_clears(county, users, login, with_members):
    c = login(users["agent"])
    url = f"/credit/households/{with_members.pk}/archive/"
    page = parse(c.get(url).content.decode())
    child = next(i for i in (0, 1) if page.fields[f"m-{i}-name"] == "张小")
    head = 1 - child
    r = c.post(url, form_data(page, **{f"m-{child}-id_number": ID_NUMBERS[3], f"m-{head}-id_number": ""}))
    assert r.status_code == 302
    got = {m.name: m.id_number for m in HouseholdArchive.objects.get(household=with_members).members.all()}
    assert got == {"户主0": "", "张小": ID_NUMBERS[3]}


@pytest.mark.parametrize(
    "changes",
    [
        {"id_ref": ""},  # a masked value without its reference
        {"id_ref": "m999999"},  # a reference that is not this archive's
        {"id_ref": "head"},  # another number's reference: the masks differ
        {"id_number": "370323********9999"},  # digits changed inside the mask
    ],
)
def test_masked_value_that_does_not_match_is_refused(county, users, login, with_members, changes):
    c = login(users["agent"])
    url = f"/credit/households/{with_members.pk}/archive/"
    page = parse(c.get(url).content.decode())
    child = next(i for i in (0, 1) if page.fields[f"m-{i}-name"] == "张小")
    r = c.post(url, form_data(page, **{f"m-{child}-{k}": v for k, v in changes.items()}))
    assert r.status_code == 200 and "请填写完整的18位身份证号" in r.content.decode()
    assert MEMBER_ID not in r.content.decode()
    stored = {m.name: m.id_number for m in HouseholdArchive.objects.get(household=with_members).members.all()}
    assert stored["张小"] == MEMBER_ID  # nothing saved


# ---------------------------------------------------------------- 显示明文: logged, scoped


def test_unmask_head_id_is_logged_without_the_value(county, users, login):
    hh = county["households"][0]
    c = login(users["agent"])
    r = c.post(f"/credit/households/{hh.pk}/archive/unmask/", {"ref": "head"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and ID_NUMBERS[0] in r.content.decode()
    assert "no-store" in r["Cache-Control"]
    log = unmask_logs().get()
    assert log.actor == users["agent"] and log.object_type == "credit.HouseholdArchive"
    assert log.object_id == str(hh.pk) and log.note == "查看明文：户主身份证号"
    assert ID_NUMBERS[0] not in f"{log.after} {log.note} {log.object_repr}"


def test_unmask_member_id_without_htmx(county, users, login, with_members):
    c = login(users["office"])
    page = parse(c.get(f"/credit/households/{with_members.pk}/archive/").content.decode())
    ref = next(page.fields[f"m-{i}-id_ref"] for i in (0, 1) if page.fields[f"m-{i}-name"] == "张小")
    r = c.post(f"/credit/households/{with_members.pk}/archive/unmask/", {"ref": ref})
    assert r.status_code == 200 and MEMBER_ID in r.content.decode()
    assert unmask_logs().get().note == "查看明文：家庭成员身份证号"


@pytest.mark.parametrize(
    ("who", "index", "ref"),
    [
        ("agent", 1, "head"),  # another village
        ("town_lucun", 0, "head"),  # another town
        ("abc", 0, "head"),  # banks do not edit archives
        ("admin", 0, "head"),  # administrators may not unmask (docs/personal-data.md)
        ("public", 0, "head"),  # the farmer's own page is not the collection form
        ("agent", 0, "m999999"),  # no such member
        ("agent", 0, ""),
    ],
)
def test_unmask_refused_is_404_and_not_logged(county, users, login, who, index, ref):
    hh = county["households"][index]
    r = login(users[who]).post(f"/credit/households/{hh.pk}/archive/unmask/", {"ref": ref})
    assert r.status_code == 404
    assert not unmask_logs().exists()


def test_unmask_needs_post(county, users, login):
    hh = county["households"][0]
    assert (
        login(users["agent"]).get(f"/credit/households/{hh.pk}/archive/unmask/?ref=head").status_code == 405
    )
    assert not unmask_logs().exists()


# ---------------------------------------------------------------- the offline draft


def _excluded(name: str, excluded: list[str]) -> bool:
    """offline-draft.js's rule: a field is left out when its name or its last "-" part is listed."""
    return name in excluded or name.split("-")[-1] in excluded


def test_draft_excludes_every_id_number_field(county, users, login, with_members):
    page = parse(login(users["agent"]).get(f"/credit/households/{with_members.pk}/archive/").content.decode())
    excluded = page.form["data-draft-exclude"].split()
    assert set(excluded) == set(DRAFT_EXCLUDED_FIELDS) >= {"id_number", "id_ref"}
    id_fields = [n for n in page.fields if "id_number" in n or "id_ref" in n]
    # Two members, the blank row for a third and the 添加家庭成员 row template: every one left out.
    assert len(id_fields) == 8 and all(_excluded(n, excluded) for n in id_fields)
    kept = [n for n in page.fields if not _excluded(n, excluded)]
    assert "m-0-name" in kept and "labour_count" in kept  # the rest of the draft still works
    assert page.form["data-logout-url"] == "/logout/"
    assert page.form["data-draft-key"] == f"credit-archive-{with_members.pk}"


def test_draft_script_applies_the_exclusion_and_the_login_page_clears_drafts(client):
    draft_js = (CREDIT / "static" / "credit" / "offline-draft.js").read_text()
    assert "dataset.draftExclude" in draft_js and "!isExcluded(el.name)" in draft_js
    assert 'PREFIX = "puhui-draft:"' in draft_js and "dataset.logoutUrl" in draft_js
    clear_js = (CREDIT / "static" / "credit" / "clear-drafts.js").read_text()
    assert '"puhui-draft:"' in clear_js and '"credit-archive-"' in clear_js
    login_page = parse(client.get("/login/").content.decode())
    assert any(s.get("src", "").endswith("credit/clear-drafts.js") for s in login_page.scripts)


# ---------------------------------------------------------------- CSP: no inline script


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_have_no_inline_script(template):
    text = template.read_text()
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", text)
