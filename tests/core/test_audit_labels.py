"""The audit log speaks of objects as people do: 用户 王主任, not core.User #1; changes by field name."""

from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.models import AuditLog, User, audit_type_label


def test_object_label_names_the_kind_and_the_object(users):
    office = users["office"]
    User.objects.filter(pk=office.pk).update(display_name="王主任")
    office.refresh_from_db()
    audit_record(actor=users["admin"], action=AuditLog.Action.UPDATE, obj=office, note="重置密码")
    log = AuditLog.objects.filter(object_type="core.User", object_id=str(office.pk)).latest("id")
    assert log.object_label == "用户 王主任"
    assert "core.User" not in log.object_label and "#" not in log.object_label


def test_types_that_are_no_model_have_words_too():
    assert audit_type_label("demo") == "演示数据"
    assert audit_type_label("credit.HouseholdArchive") == "农户信用档案"
    assert audit_type_label("gone.Model") == "其他对象"


def test_changes_are_listed_by_field_name(county, users):
    org = county["abc"]
    before = snapshot(org)
    org.name = "中国农业银行沂源支行"
    org.save()
    audit_changed(actor=users["office"], obj=org, before=before, note="改名")
    log = AuditLog.objects.filter(object_type="core.Organisation").latest("id")
    labels = [label for label, _old, _new in log.changes]
    assert "名称" in labels and "name" not in labels


def test_the_audit_page_shows_a_change_field_by_field(county, users, client):
    org = county["abc"]
    before = snapshot(org)
    org.name = "中国农业银行沂源支行"
    org.save()
    audit_changed(actor=users["office"], obj=org, before=before, note="改名")
    client.force_login(users["admin"])
    page = client.get("/audit/").content.decode()
    assert "<td>名称</td>" in page and ">中国农业银行沂源支行</code></td>" in page
    assert "{&#x27;" not in page  # no dictionary written out as it is stored
