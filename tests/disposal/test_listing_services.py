"""The dishonest-debtor list's due process (services/listings.py): every transition, every refusal, the
objection window's arithmetic, nothing half-stored, every step on the timeline and in the audit log."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from puhui.core.models import AuditLog, Notification
from puhui.disposal import rules
from puhui.disposal.models import Listing, ListingStep
from puhui.disposal.services import listings as services
from tests.disposal.conftest import days_ago, evidence, person_evidence

pytestmark = pytest.mark.django_db
Status = Listing.Status


def _messages(exc) -> str:
    return " ".join(exc.value.messages)


def test_the_whole_process_writes_a_step_and_an_audit_record_each(users, walk):
    listing = walk("listed")
    office, bank = users["office"], users["abc"]
    listing = services.listing_settle(
        actor=bank, listing=listing, settled_on=timezone.localdate(), note="已全额归还本息"
    )
    listing = services.listing_remove(
        actor=office, listing=listing, removal="settled", reason="银行报告已清偿", on=timezone.localdate()
    )
    assert listing.status == Status.REMOVED and listing.removal == "settled"
    kinds = list(listing.steps.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["propose", "notify", "list", "settle", "remove"]
    audited = AuditLog.objects.filter(object_type="disposal.Listing", object_id=str(listing.pk))
    assert audited.count() == 5
    assert Notification.objects.filter(user=users["office"], key=f"disposal-settle-{listing.pk}").exists()


def test_a_proposal_without_evidence_is_refused_and_nothing_is_stored(users):
    cases = [
        ({"judgment_no": ""}, "判决书或裁定书文号"),
        ({"amount_owed": None}, "拒不偿还的金额"),
        ({"amount_owed": 0}, "须大于 0 元"),
        ({"judgment_date": None}, "判决（裁定）日期"),
        ({"enforcement_date": None}, "申请强制执行日期"),
        ({"enforcement_date": datetime.date(2020, 1, 1)}, "不能早于判决（裁定）日期"),
        ({"uscc": ""}, "统一社会信用代码"),
        ({"uscc": "91370323MA3C4DB554"}, "校验位错误"),
        ({"judgment_date": timezone.localdate() + datetime.timedelta(days=1)}, "不能晚于今天"),
    ]
    for change, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.listing_propose(actor=users["abc"], **evidence(**change))
        assert message in _messages(exc), change
    with pytest.raises(ValidationError) as exc:
        services.listing_propose(actor=users["abc"], **person_evidence(id_number=""))
    assert "个人债务人须填写身份证号" in _messages(exc)
    assert not Listing.objects.exists() and not ListingStep.objects.exists()
    assert not AuditLog.objects.filter(object_type="disposal.Listing").exists()


def test_only_a_bank_proposes_and_not_twice_for_the_same_debtor(users, walk):
    for who in ("office", "member", "public"):
        with pytest.raises(ValidationError) as exc:
            services.listing_propose(actor=users[who], **evidence())
        assert "只有金融机构" in _messages(exc)
    walk("proposed")
    with pytest.raises(ValidationError) as exc:
        services.listing_propose(actor=users["rcb"], **evidence())
    assert "不能重复提议" in _messages(exc)
    assert Listing.objects.count() == 1


def test_a_person_is_stored_encrypted_and_found_by_hash(users):
    listing = services.listing_propose(actor=users["abc"], **person_evidence())
    with connection.cursor() as cur:
        cur.execute(f"SELECT id_number FROM {Listing._meta.db_table} WHERE id = %s", [listing.pk])
        raw = cur.fetchone()[0]
    assert raw and "370323199001011234" not in raw
    assert Listing.objects.get(pk=listing.pk).id_number == "370323199001011234"
    assert listing.id_hash == users["public"].household.head_id_hash


def test_the_window_is_fixed_at_notice_and_counted_in_calendar_days(users, walk):
    assert rules.objection_until(datetime.date(2021, 1, 29), 15) == datetime.date(2021, 2, 13)
    with override_settings(PUHUI_DISPOSAL_OBJECTION_DAYS=7):
        listing = walk("notified")
    assert listing.window_days == 7
    assert listing.objection_until == listing.notified_on + datetime.timedelta(days=7)
    default = walk("notified", evidence(uscc="92370323MA3C4DB61L", debtor_name="鲁村乙商店"))
    assert default.window_days == rules.DEFAULT_OBJECTION_DAYS == 15


def test_an_objection_within_the_window_is_recorded_and_one_after_it_refused(users, walk):
    office = users["office"]
    listing = walk("notified")  # notified 20 days ago: the 15-day window closed 5 days ago
    with pytest.raises(ValidationError) as exc:
        services.listing_object(actor=office, listing=listing, objection="不服", on=days_ago(1))
    assert "异议期已于" in _messages(exc) and "不予受理" in _messages(exc)
    listing.refresh_from_db()
    assert listing.status == Status.NOTIFIED and listing.objection == ""
    assert not listing.steps.filter(kind="object").exists()
    # The last day of the window is still in it.
    objected = services.listing_object(
        actor=office, listing=listing, objection="已与银行达成还款协议", on=listing.objection_until
    )
    assert objected.status == Status.OBJECTED and objected.objected_on == listing.objection_until


def test_the_debtor_objects_from_their_own_account_dated_today(users):
    listing = services.listing_propose(actor=users["abc"], **person_evidence())
    listing = services.listing_notify(
        actor=users["office"], listing=listing, notified_on=timezone.localdate(), means="delivery"
    )
    assert Notification.objects.filter(user=users["public"], key=f"disposal-notify-{listing.pk}").exists()
    listing = services.listing_object(
        actor=users["public"], listing=listing, objection="借款已展期", on=days_ago(400)
    )
    assert listing.status == Status.OBJECTED and listing.objected_on == timezone.localdate()
    assert listing.steps.get(kind="object").actor == users["public"]


def test_someone_else_cannot_object(users, walk):
    listing = walk("notified")
    for who in ("abc", "member", "public"):
        with pytest.raises(ValidationError) as exc:
            services.listing_object(actor=users[who], listing=listing, objection="不服")
        assert "只有债务人本人或领导小组办公室" in _messages(exc)


def test_no_listing_before_the_notice_and_the_window(users, walk):
    office = users["office"]
    proposed = walk("proposed")
    with pytest.raises(ValidationError) as exc:
        services.listing_decide(
            actor=office, listing=proposed, decision="list", reason="证据充分", on=timezone.localdate()
        )
    assert "尚未告知债务人" in _messages(exc)
    notified = services.listing_notify(
        actor=office, listing=proposed, notified_on=timezone.localdate(), means="post"
    )
    with pytest.raises(ValidationError) as exc:
        services.listing_decide(
            actor=office, listing=notified, decision="list", reason="证据充分", on=timezone.localdate()
        )
    assert "期满前不能决定列入" in _messages(exc)
    notified.refresh_from_db()
    assert notified.status == Status.NOTIFIED and notified.decided_on is None
    # Refusing is possible at once.
    rejected = services.listing_decide(
        actor=office, listing=notified, decision="reject", reason="证据不足", on=timezone.localdate()
    )
    assert rejected.status == Status.REJECTED


def test_an_objection_is_decided_with_reasons(users, walk):
    listing = walk("objected")
    with pytest.raises(ValidationError) as exc:
        services.listing_decide(
            actor=users["office"], listing=listing, decision="list", reason="", on=timezone.localdate()
        )
    assert "请填写决定理由" in _messages(exc)
    listed = services.listing_decide(
        actor=users["office"],
        listing=listing,
        decision="list",
        reason="还款协议未履行，异议不成立",
        on=timezone.localdate(),
    )
    assert listed.status == Status.LISTED and listed.decision_reason.startswith("还款协议")


@pytest.mark.parametrize(
    "stage,action",
    [
        ("listed", "notify"),
        ("objected", "object"),
        ("listed", "reject"),
        ("proposed", "settle"),
        ("notified", "remove"),
        ("removed", "remove"),
        ("removed", "settle"),
    ],
)
def test_illegal_transitions_are_refused_in_chinese(users, walk, stage, action):
    listing = walk(stage)
    office, today = users["office"], timezone.localdate()
    calls = {
        "notify": lambda: services.listing_notify(
            actor=office, listing=listing, notified_on=today, means="post"
        ),
        "object": lambda: services.listing_object(actor=office, listing=listing, objection="不服", on=today),
        "reject": lambda: services.listing_decide(
            actor=office, listing=listing, decision="reject", reason="无", on=today
        ),
        "settle": lambda: services.listing_settle(
            actor=users["abc"], listing=listing, settled_on=today, note="已还"
        ),
        "remove": lambda: services.listing_remove(
            actor=office, listing=listing, removal="appeal", reason="申诉", on=today
        ),
    }
    steps = listing.steps.count()
    with pytest.raises(ValidationError) as exc:
        calls[action]()
    assert f"处于“{listing.get_status_display()}”状态，不能" in _messages(exc)
    assert listing.steps.count() == steps
    assert Listing.objects.get(pk=listing.pk).status == listing.status


def test_who_may_act(users, walk):
    listing = walk("proposed")
    today = timezone.localdate()
    from django.http import Http404

    for who in ("abc", "member", "admin"):
        with pytest.raises(Http404):
            services.listing_notify(actor=users[who], listing=listing, notified_on=today, means="post")
    listed = walk("listed", evidence(uscc="92370323MA3C4DB61L", debtor_name="鲁村乙商店"))
    with pytest.raises(ValidationError) as exc:
        services.listing_settle(actor=users["rcb"], listing=listed, settled_on=today, note="已还")
    assert "只有提议银行" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.listing_remove(actor=users["office"], listing=listed, removal="settled", reason="", on=today)
    assert "请填写移出说明" in _messages(exc)
