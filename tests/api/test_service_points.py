"""POST /api/v1/service-points: an institution registers its own service point; all-or-nothing, audited,
through the registry's lifecycle rules (the station checklist, dates, the bank's scope) like every other road."""

import datetime

from django.utils import timezone

from puhui.api.models import ApiToken
from puhui.api.services import hash_token
from puhui.core.models import AuditLog, ServicePoint, ServicePointEvent
from tests.api.conftest import error_of


def body(county, **changes):
    data = {
        "code": "SP-ABC-9",
        "name": "鲁村2村助农取款服务点",
        "bank_id": county["abc_outlet"].pk,
        "village_code": county["villages"][3].code,
        "functions": ["withdrawal", "bill_payment"],
        "is_station": False,
        "opened_on": "2020-06-01",
    }
    data.update(changes)
    return data


def fields(response):
    return {d["field"]: d["message"] for d in error_of(response)["details"]}


def test_bank_registers_a_service_point_of_its_outlet(api, county, tokens):
    r = api("abc").post("/service-points", body(county), key="create-1")
    assert r.status_code == 201, r.content
    out = r.json()
    point = ServicePoint.objects.get(code="SP-ABC-9")
    assert out["id"] == point.pk
    assert out["village_code"] == county["villages"][3].code
    assert point.bank == county["abc_outlet"]
    assert point.functions == ["withdrawal", "bill_payment"]
    assert point.opened_on == datetime.date(2020, 6, 1)
    # The new point is visible to its bank and invisible to the other one.
    assert api("abc").get(f"/service-points/{point.pk}").status_code == 200
    assert api("rcb").get(f"/service-points/{point.pk}").status_code == 404


def test_the_write_is_audited_with_the_token_as_actor(api, county, tokens):
    r = api("abc").post("/service-points", body(county), key="audit-1")
    assert r.status_code == 201
    prefix = ApiToken.objects.get(key_hash=hash_token(tokens["abc"])).prefix
    log = AuditLog.objects.get(object_type="core.ServicePoint", object_id=str(r.json()["id"]))
    assert log.action == "create"
    assert log.actor is None
    assert log.actor_label == f"接口令牌 {prefix}（中国农业银行沂源县支行）"
    assert log.after["code"] == "SP-ABC-9"
    assert log.ip_address == "127.0.0.1"


def test_every_problem_is_reported_in_chinese_and_nothing_is_written(api, county):
    before = ServicePoint.objects.count()
    r = api("abc").post(
        "/service-points",
        body(
            county,
            code="SP1",  # taken
            name="  ",
            bank_id=county["rcb"].pk,  # another bank
            village_code=county["towns"][0].code,  # a town, not a village
            functions=["withdrawal", "withdrawal"],
            opened_on=str(timezone.localdate() + datetime.timedelta(days=3)),
        ),
        key="bad-1",
    )
    assert r.status_code == 422
    err = error_of(r)
    assert err["code"] == "validation_error"
    got = fields(r)
    assert set(got) == {"code", "name", "bank_id", "village_code", "functions", "opened_on"}
    assert "已被使用" in got["code"]
    assert "不能为空" in got["name"]
    assert "不存在" in got["bank_id"]
    assert "不是村或社区" in got["village_code"]
    assert "重复" in got["functions"]
    assert "晚于今天" in got["opened_on"]
    assert ServicePoint.objects.count() == before
    assert not AuditLog.objects.filter(object_type="core.ServicePoint").exists()


def test_another_banks_id_and_a_missing_id_get_the_same_answer(api, county):
    other = fields(api("abc").post("/service-points", body(county, bank_id=county["rcb"].pk), key="x1"))
    missing = fields(api("abc").post("/service-points", body(county, bank_id=987654), key="x2"))
    assert other["bank_id"].replace(str(county["rcb"].pk), "N") == missing["bank_id"].replace("987654", "N")


def test_unknown_village_code(api, county):
    got = fields(api("abc").post("/service-points", body(county, village_code="370323999201"), key="v1"))
    assert got == {"village_code": "区划代码 370323999201 不存在"}


def test_schema_errors_name_each_field_in_chinese(api, county):
    r = api("abc").post(
        "/service-points",
        {
            "code": "X" * 40,
            "bank_id": "abc",
            "functions": ["atm"],
            "opened_on": "2020-02-30",
            "colour": "red",
        },
        key="schema-1",
    )
    assert r.status_code == 422
    got = fields(r)
    assert got["code"] == "“服务点编号”（code）不能超过 32 个字符"
    assert got["name"] == "“服务点名称”（name）为必填项"
    assert got["bank_id"] == "“签约银行ID”（bank_id）应为整数"
    assert got["village_code"] == "“所在村区划代码”（village_code）为必填项"
    assert got["functions[0]"].startswith("“服务功能”（functions[0]）取值应为以下之一：")
    assert got["opened_on"] == "“设立日期”（opened_on）应为 YYYY-MM-DD 格式的日期"
    assert "colour" in got["colour"] and "不是本接口的字段" in got["colour"]


def test_empty_functions_list(api, county):
    got = fields(api("abc").post("/service-points", body(county, functions=[]), key="f1"))
    assert got == {"functions": "“服务功能”（functions）至少需要 1 项"}


def test_only_institutions_register_service_points(api, county):
    for name in ("pboc", "member"):
        r = api(name).post("/service-points", body(county), key=f"forbidden-{name}")
        assert r.status_code == 403
        err = error_of(r)
        assert err["code"] == "forbidden"
        assert "金融机构" in err["message"]
    assert not ServicePoint.objects.filter(code="SP-ABC-9").exists()


def test_the_bank_must_be_a_bank(api, county, users):
    from puhui.core.services import organisation_create

    insurer = organisation_create(
        actor=users["admin"], code="ABC-INS", name="农银人寿沂源", kind="insurer", parent=county["abc"]
    )
    got = fields(api("abc").post("/service-points", body(county, bank_id=insurer.pk), key="ins-1"))
    assert "不是银行" in got["bank_id"]


STATION = [f.value for f in ServicePoint.STATION_FUNCTIONS]


def test_a_station_needs_the_whole_checklist_here_too(api, county):
    """The old endpoint took is_station=true with two functions; the lifecycle's checklist now applies."""
    got = fields(api("abc").post("/service-points", body(county, is_station=True), key="st-1"))
    assert set(got) == {"functions"}
    assert "尚缺：转账、汇款、跨行支付、金融知识宣传、反假货币、纠纷协调" in got["functions"]
    assert not ServicePoint.objects.filter(code="SP-ABC-9").exists()


def test_a_station_with_the_checklist_is_opened_and_upgraded_with_its_history(api, county):
    r = api("abc").post("/service-points", body(county, is_station=True, functions=STATION), key="st-2")
    assert r.status_code == 201, r.content
    point = ServicePoint.objects.get(code="SP-ABC-9")
    assert point.is_station and point.upgraded_on == datetime.date(2020, 6, 1)
    kinds = list(point.events.order_by("id").values_list("kind", flat=True))
    assert kinds == [ServicePointEvent.Kind.OPENED, ServicePointEvent.Kind.UPGRADED]


def test_the_lifecycles_dates_and_scope_apply(api, county):
    got = fields(api("abc").post("/service-points", body(county, opened_on=None), key="d-1"))
    assert got == {"opened_on": "“设立日期”（opened_on）应为 YYYY-MM-DD 格式的日期"}  # the schema requires it
    county["abc_outlet"].closed_on = datetime.date(2021, 1, 1)
    county["abc_outlet"].save()
    got = fields(api("abc").post("/service-points", body(county), key="d-2"))
    assert got == {"bank_id": f"{county['abc_outlet'].name} 已于 2021-01-01 撤销"}
    assert not ServicePoint.objects.filter(code="SP-ABC-9").exists()
