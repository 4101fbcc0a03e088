"""Whose a user is — the institution, the bank, the county branch of the bank, the firm — decided once in
core.access for every app (the apps' own `bank_of` are these)."""

from puhui.core import access
from puhui.core.models import Organisation, User


def _user(username, role, **kw):
    return User.objects.create(username=username, role=role, **kw)


def test_a_county_branch_and_its_outlet_belong_to_the_branch(county, users):
    outlet_user = _user("abc_outlet", "institution", organisation=county["abc_outlet"])
    assert access.county_bank_of(users["abc"]) == county["abc"]
    assert access.county_bank_of(outlet_user) == county["abc"]
    assert access.bank_of(outlet_user) == county["abc_outlet"]
    assert access.institution_of(outlet_user) == county["abc_outlet"]
    assert access.county_bank(county["rcb_outlet"]) == county["rcb"]


def test_a_head_office_an_insurer_and_other_roles_have_no_county_bank(county, users):
    head = county["abc"].parent
    insurer = Organisation.objects.create(
        code="PICC", name="人保财险沂源支公司", kind="insurer", level="branch"
    )
    insurer.path = insurer.compute_path()
    insurer.save(update_fields=["path"])
    head_user = _user("abc_head", "institution", organisation=head)
    insurer_user = _user("picc", "institution", organisation=insurer)
    assert access.county_bank_of(head_user) is None
    assert access.county_bank_of(insurer_user) is None and access.bank_of(insurer_user) is None
    assert access.institution_of(insurer_user) == insurer
    for name in ("office", "member", "agent", "public", "town_lishan"):
        user = users[name]
        assert access.institution_of(user) is access.bank_of(user) is access.county_bank_of(user) is None


def test_only_a_public_user_of_a_firm_acts_for_it(county, users):
    firm = county["firms"][0]
    owner = _user("firm_owner", "public", firm=firm)
    assert access.firm_of(owner) == firm
    assert access.firm_of(users["public"]) is None
    assert access.firm_of(_user("stray", "institution", organisation=county["abc"], firm=firm)) is None


def test_banks_are_the_four_bank_kinds_only():
    kinds = Organisation.Kind
    assert {
        kinds.POLICY_BANK,
        kinds.COMMERCIAL_BANK,
        kinds.RURAL_BANK,
        kinds.VILLAGE_BANK,
    } == Organisation.BANK_KINDS
    assert Organisation.BANK_KINDS < Organisation.FINANCIAL_KINDS
