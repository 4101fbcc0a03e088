"""Notifications are core's (docs/architecture.md): any app sends them through `puhui.core.notifications`.

The model moved from the plan without touching its table (`plan_notification`): core 0006 adds it to
core's state, plan 0002 removes it from the plan's; rows written before the move are read after it.
"""

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import Http404

from puhui.core import notifications
from puhui.core.models import Notification
from puhui.core.plugins import NavItem

BEFORE = [("core", "0005_cache_table"), ("plan", "0001_initial")]
AFTER = [("core", "0006_notification"), ("plan", "0002_notification_to_core")]


def test_send_once_per_key_and_mail_after_commit(users, django_capture_on_commit_callbacks):
    users["member"].email = "member@example.cn"
    users["member"].save()
    with django_capture_on_commit_callbacks(execute=True):
        n = notifications.notification_send(
            user=users["member"], kind="risk_warning", title="风险预警", body="正文", url="/x/", key="risk:1"
        )
    assert n is not None and n.user == users["member"]
    assert [m.subject for m in mail.outbox] == ["【普惠金融示范区平台】风险预警"]
    assert Notification.objects.get(pk=n.pk).emailed
    # the same event again notifies nobody
    assert (
        notifications.notification_send(user=users["member"], kind="risk_warning", title="再次", key="risk:1")
        is None
    )
    sent = notifications.notifications_send(
        users=[users["office"], users["office"], users["abc"]], kind="k", title="t"
    )
    assert sorted(x.user.username for x in sent) == ["abc", "office"]


def test_mail_suppressed(users, django_capture_on_commit_callbacks):
    users["member"].email = "member@example.cn"
    users["member"].save()
    with django_capture_on_commit_callbacks(execute=True), notifications.mail_suppressed():
        notifications.notification_send(user=users["member"], kind="k", title="t")
    assert mail.outbox == []


def test_everybody_reads_and_marks_only_their_own(users):
    mine = notifications.notification_send(user=users["member"], kind="k", title="mine")
    other = notifications.notification_send(user=users["office"], kind="k", title="other")
    notifications.notification_send(user=users["member"], kind="k", title="mine too")
    member = users["member"]
    assert list(notifications.notifications_for(member).values_list("title", flat=True)) == [
        "mine too",
        "mine",
    ]
    assert notifications.access_notification_by_id(member, mine.pk) == mine
    with pytest.raises(Http404):
        notifications.access_notification_by_id(member, other.pk)
    assert notifications.unread_notification_count(member) == 2
    assert notifications.notification_mark_read(actor=member, notification=other) == 0
    assert notifications.notification_mark_read(actor=member, notification=mine) == 1
    assert notifications.unread_notification_count(member) == 1
    assert notifications.notification_mark_read(actor=member) == 1
    assert notifications.unread_notification_count(member) == 0
    assert notifications.unread_notification_count(users["office"]) == 1
    assert member.notifications.count() == 2


def test_the_badge_counts_through_core():
    from puhui.core.plugins import contributions

    badges = [i.badge for i in contributions("NAVIGATION") if isinstance(i, NavItem) and i.badge]
    assert "puhui.core.notifications.unread_notification_count" in badges
    assert Notification._meta.db_table == "plan_notification"


def test_core_migrations_do_not_depend_on_the_plan():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    core_leaf = max(n for n in graph.leaf_nodes() if n[0] == "core")
    assert not [n for n in graph.forwards_plan(core_leaf) if n[0] == "plan"]


@pytest.mark.sqlite_leg  # a minute of migrating every app back and forth; the data move is ORM code
@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_read_after_it(users):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    OldNotification = old_apps.get_model("plan", "Notification")
    old = OldNotification.objects.create(
        user_id=users["member"].pk, kind="report_due", title="请报送进度", url="/plan/", key="k:1"
    )
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    moved = Notification.objects.get(pk=old.pk)
    assert (moved.user, moved.kind, moved.title, moved.key, moved.read_at) == (
        users["member"],
        "report_due",
        "请报送进度",
        "k:1",
        None,
    )
    assert notifications.unread_notification_count(users["member"]) == 1
    # the unique (user, key) constraint is still the table's
    assert (
        notifications.notification_send(user=users["member"], kind="report_due", title="x", key="k:1") is None
    )
    assert set(AFTER) <= set(MigrationRecorder(connection).applied_migrations())
