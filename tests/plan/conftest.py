"""The 27 leading-group units, made from the shipped plan's `units:` list, and the Yiyuan plan loaded on them.

Built on tests/conftest.py's county: its 人民银行 and 金融证券工作服务中心 get their plan names, the
other 25 units are created here, plus a village bank for the plan's 县博商村镇银行.
"""

from pathlib import Path

import pytest
import yaml
from django.contrib.auth.hashers import make_password

from puhui.core.models import Organisation, User
from puhui.plan import services
from tests.conftest import PASSWORD

PLAN_FILE = Path(__file__).resolve().parents[2] / "puhui" / "plan" / "data" / "yiyuan-2020.yaml"
MEMBER_KINDS = {"pboc", "government", "court", "procuratorate", "peoples_org"}


def plan_units() -> list[dict]:
    return yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))["units"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def units(county):
    """Plan name → Organisation for the 27 leading-group units."""
    made = {}
    existing = {"县人民银行": county["pboc"], "县金融证券工作服务中心": county["finance_centre"]}
    for i, u in enumerate(plan_units()):
        if not u.get("leading_group"):
            continue
        assert u["kind"] in MEMBER_KINDS
        org = existing.get(u["name"])
        if org is None:
            org = Organisation.objects.create(
                code=f"LG{i:02d}",
                name=u["full_name"],
                kind=u["kind"],
                is_leading_group_member=True,
                plan_alias=u["name"],
            )
            org.path = org.compute_path()
            org.save(update_fields=["path"])
        else:
            org.plan_alias = u["name"]
            org.save(update_fields=["plan_alias"])
        made[u["name"]] = org
    assert len(made) == 27
    return made


@pytest.fixture
def village_bank(county):
    org = Organisation.objects.create(
        code="BS-YY", name="沂源博商村镇银行", kind="village_bank", is_county_legal_person=True
    )
    org.path = org.compute_path()
    org.save(update_fields=["path"])
    return org


@pytest.fixture
def plan(db, units, village_bank, users):
    return services.plan_load(actor=users["office"], file=PLAN_FILE)


@pytest.fixture
def more_users(units, village_bank):
    """A user in the finance bureau (co-operates on some tasks) and one in the health-unrelated statistics bureau."""

    def make(username, org, role="member_unit"):
        return User.objects.create(
            username=username,
            role=role,
            organisation=org,
            password=make_password(PASSWORD),
            email=f"{username}@example.cn",
        )

    return {
        "czj": make("czj", units["县财政局"]),
        "tjj": make("tjj", units["县统计局"]),
        "fy": make("fy", units["县法院"]),
        "boshang": make("boshang", village_bank, role="institution"),
    }


def task(plan, number):
    return plan.tasks.get(number=number)
