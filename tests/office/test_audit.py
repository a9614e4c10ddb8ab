"""The audit log: filtered by who, record, action and dates; downloaded as CSV with the same
filters; and append-only, in the ORM and (on PostgreSQL) in the database itself."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.db import db
from marketplace.ledger.audit import AuditAction, AuditLogIsAppendOnly, record_audit
from marketplace.ledger.models import AuditEntry
from tests.businesses.helpers import commit_and_detach
from tests.factories import make_audit_entry, make_user


@pytest.fixture
def history(app: Flask, officer: User) -> dict[str, int]:
    """Four entries by two people on three records over three days."""
    with app.app_context():
        owner = make_user(Role.MSME, name="Siti Rahayu", email="siti@batik.example")
        me = db.session.get_one(User, officer.id)
        rows = [
            (me, "business.verified", "business", 7, datetime(2026, 5, 1, 3, tzinfo=UTC), None),
            (owner, "product.submitted", "product", 9, datetime(2026, 5, 2, 3, tzinfo=UTC), None),
            (
                me,
                "product.rejected",
                "product",
                9,
                datetime(2026, 5, 2, 20, tzinfo=UTC),  # 3 May in Bandung
                '=HYPERLINK("x") blurry, photos',
            ),
            (me, "user.suspend", "user", owner.id, datetime(2026, 5, 4, 3, tzinfo=UTC), "Spam"),
        ]
        for actor, action, kind, subject, at, reason in rows:
            make_audit_entry(
                actor,
                action,
                kind,
                subject,
                before={"status": "a"},
                after={"status": "b"},
                reason=reason,
                at=at,  # inserted as of then: entries are never changed afterwards
            )
        db.session.commit()
        return {"owner": owner.id}


# The words the log shows for the actions these tests record (filters still send the keys).
WORDS = {
    "user.suspend": "Account suspended",
    "product.rejected": "Product rejected",
    "product.submitted": "Product sent for review",
    "business.verified": "Business verified",
}
ROW = re.compile(r"<tr>\s*<td><time[^>]*>[^<]*</time></td>\s*<td>.*?</td>\s*<td>([^<]*)</td>")


def actions_in(html: str) -> list[str]:
    """The action column of the log's table, top to bottom."""
    return ROW.findall(html)


def ids_in(html: str) -> list[str]:
    """The actions shown, as the keys this test recorded."""
    keys = {words: key for key, words in WORDS.items()}
    return [keys.get(words, words) for words in actions_in(html)]


def test_the_audit_log_filters_by_actor_record_action_and_dates(
    app: Flask, login_as: Any, officer: User, history: dict[str, int]
) -> None:
    client = login_as(officer)
    assert ids_in(client.get("/office/audit").get_data(as_text=True)) == [
        "user.suspend",
        "product.rejected",
        "product.submitted",
        "business.verified",
    ]
    cases = {
        "actor=siti": ["product.submitted"],
        f"actor={officer.id}": ["user.suspend", "product.rejected", "business.verified"],
        "subject_type=product": ["product.rejected", "product.submitted"],
        "subject_type=product&subject_id=9&action=product.rejected": ["product.rejected"],
        "from=2026-05-02&to=2026-05-02": ["product.submitted"],
        "from=2026-05-03": ["user.suspend", "product.rejected"],
        "to=2026-05-01": ["business.verified"],
    }
    for query, expected in cases.items():
        html = client.get(f"/office/audit?{query}").get_data(as_text=True)
        assert ids_in(html) == expected, query
    response = client.get("/office/audit?from=2026-05-04&to=2026-05-01")
    assert response.status_code == 400
    assert "The end date must not be before the start date." in response.get_data(as_text=True)
    assert client.get("/office/audit?subject_id=abc").status_code == 400


def test_the_audit_log_pages_by_keyset(app: Flask, login_as: Any, officer: User) -> None:
    with app.app_context():
        me = db.session.get_one(User, officer.id)
        for n in range(55):
            record_audit(me, AuditAction.EXCHANGE_RATE_SET, "exchange_rate", n + 1)
        db.session.commit()
    client = login_as(officer)
    first = client.get("/office/audit").get_data(as_text=True)
    assert actions_in(first) == ["Exchange rate set"] * 50
    older = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert older
    second = client.get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert actions_in(second) == ["Exchange rate set"] * 5


def test_the_csv_has_the_filtered_entries_with_before_after_and_why(
    app: Flask, login_as: Any, officer: User, history: dict[str, int]
) -> None:
    response = login_as(officer).get("/office/audit.csv?subject_type=product")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8"))))
    assert [row["action"] for row in rows] == ["product.rejected", "product.submitted"]
    rejected = rows[0]
    assert rejected["actor_name"] == "Dewi Officer" and rejected["subject_id"] == "9"
    assert rejected["at_utc"] == "2026-05-02T20:00:00+00:00"
    assert json.loads(rejected["before"]) == {"status": "a"}
    assert json.loads(rejected["after"]) == {"status": "b"}
    # A reason a spreadsheet would run as a formula is neutralised.
    assert rejected["reason"] == '\'=HYPERLINK("x") blurry, photos'


def test_audit_entries_cannot_be_changed_or_deleted_through_the_orm(
    app: Flask, officer: User
) -> None:
    with app.app_context():
        entry = record_audit(
            db.session.get_one(User, officer.id), AuditAction.USER_SUSPEND, "user", 1
        )
        db.session.commit()
        entry_id = entry.id
    attempts = [
        lambda e: setattr(e, "reason", "rewritten"),
        lambda e: db.session.delete(e),
    ]
    for attempt in attempts:
        with app.app_context():
            entry = db.session.get_one(AuditEntry, entry_id)
            attempt(entry)
            with pytest.raises(AuditLogIsAppendOnly):
                db.session.flush()
            db.session.rollback()
    for statement in (
        sa.update(AuditEntry).values(reason="rewritten"),
        sa.delete(AuditEntry),
        sa.update(AuditEntry.__table__).values(reason="rewritten"),
    ):
        with app.app_context():
            with pytest.raises(AuditLogIsAppendOnly):
                db.session.execute(statement)
            db.session.rollback()
    with app.app_context():
        kept = db.session.get_one(AuditEntry, entry_id)
        assert (kept.action, kept.reason) == ("user.suspend", None)


@pytest.mark.postgres_only
@pytest.mark.committing  # the log is changed from a connection of its own
def test_postgresql_refuses_to_change_the_audit_log_too(app: Flask, officer: User) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the trigger exists on PostgreSQL only; SQLite relies on the ORM guard")
        record_audit(db.session.get_one(User, officer.id), AuditAction.USER_SUSPEND, "user", 1)
        db.session.commit()
        for sql in ("UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log"):
            with db.engine.connect() as connection:
                with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                    connection.exec_driver_sql(sql)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1


def test_no_route_of_the_app_changes_the_audit_log(app: Flask) -> None:
    """Every view module is imported by now; none of them names an update or delete of the log."""
    import inspect

    modules = {
        inspect.getmodule(app.view_functions[rule.endpoint])
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
    }
    assert modules
    for module in modules:
        source = inspect.getsource(module)  # type: ignore[arg-type]
        assert not re.search(r"(update|delete)\(\s*AuditEntry", source), module
        assert "audit_log" not in source.replace('"audit-log.csv"', ""), module


def test_people_outside_the_office_cannot_read_the_audit_log(
    app: Flask, client: Any, login_as: Any
) -> None:
    with app.app_context():
        owner = make_user(Role.MSME)
        commit_and_detach(owner)
    assert login_as(owner).get("/office/audit").status_code == 403
    assert login_as(owner).get("/office/audit.csv").status_code == 403
    assert client.get("/office/audit.csv").status_code == 302


def test_the_log_reads_in_words_and_its_filters_still_send_the_keys(
    app: Flask, login_as: Any, officer: User
) -> None:
    with app.app_context():
        me = db.session.get_one(User, officer.id)
        record_audit(
            me,
            AuditAction.BUSINESS_VERIFIED,
            "business",
            7,
            {"status": "pending"},
            {"status": "verified"},
        )
        record_audit(
            me,
            AuditAction.NOMINATION_STAGE,
            "nomination",
            3,
            {"stage": "accepted"},
            {"stage": "on_shelf", "quantity_sold": 0},
        )
        # A stored key without words (an action no longer recorded) is shown as it is.
        make_audit_entry(me, "catalog.reindexed", "search_index")
        db.session.commit()
    client = login_as(officer)
    html = client.get("/office/audit").get_data(as_text=True)
    assert actions_in(html) == ["catalog.reindexed", "Shelf stage changed", "Business verified"]
    assert "status: Waiting for verification" in html and "status: Verified" in html
    assert "stage: Accepted, not shipped yet" in html
    assert "stage: On the shelf, quantity_sold: 0" in html
    assert '<a href="/office/businesses/7">Business 7</a>' in html
    assert "<td>Nomination 3</td>" in html and "<td>search_index </td>" in html
    # The filters show words and send the stored keys.
    assert '<option value="business.verified">Business verified</option>' in html
    assert '<option value="nomination.stage">Shelf stage changed</option>' in html
    assert '<option value="catalog.reindexed">catalog.reindexed</option>' in html
    assert '<option value="business">Business</option>' in html
    assert '<option value="nomination">Nomination</option>' in html
    filtered = client.get("/office/audit?action=business.verified&subject_type=business")
    page = filtered.get_data(as_text=True)
    assert filtered.status_code == 200 and actions_in(page) == ["Business verified"]
    assert '<option selected value="business.verified">Business verified</option>' in page
    # The CSV keeps the stored keys.
    rows = list(csv.DictReader(io.StringIO(client.get("/office/audit.csv").get_data(as_text=True))))
    assert [row["action"] for row in rows] == [
        "catalog.reindexed",
        "nomination.stage",
        "business.verified",
    ]
    assert json.loads(rows[2]["after"]) == {"status": "verified"}

    with app.app_context():
        db.session.get_one(User, officer.id).locale = "id"
        db.session.commit()
    html = client.get("/office/audit").get_data(as_text=True)
    assert actions_in(html) == ["catalog.reindexed", "Tahap di rak diubah", "Usaha diverifikasi"]
    assert "status: Menunggu verifikasi" in html and "stage: Dipajang di rak" in html
    assert '<option value="business.verified">Usaha diverifikasi</option>' in html


def test_every_action_has_words_and_callers_pass_actions_not_strings() -> None:
    """The actions and their words are one list (`AuditAction`): the log's `label` filter reads
    it, and no module outside the ledger writes an action's key as a string of its own."""
    from pathlib import Path

    from marketplace.labels import ACTION_LABELS, SUBJECT_LABELS

    assert len(AuditAction) > 30
    assert all(str(action.label) for action in AuditAction)
    assert ACTION_LABELS == {action.value: action.label for action in AuditAction}
    assert {action.value.split(".")[0] for action in AuditAction} <= set(SUBJECT_LABELS)

    root = Path(__file__).resolve().parents[2] / "marketplace"
    keys = "|".join(re.escape(action.value) for action in AuditAction)
    literal = re.compile(rf"[\"']({keys})[\"']")
    written = {
        f"{path.relative_to(root)}: {key}"
        for path in root.rglob("*.py")
        if path != root / "ledger" / "audit.py"
        for key in literal.findall(path.read_text(encoding="utf-8"))
    }
    assert sorted(written) == []


def test_amounts_and_empty_values_read_as_people_write_them(
    app: Flask, login_as: Any, officer: User
) -> None:
    """A rate stored as "15900.000000" reads as 15,900; an empty stage as a dash, never as
    "None"; a stock movement and rupiah by their words and format. The CSV keeps the values."""
    with app.app_context():
        make_audit_entry(
            officer,
            "exchange_rate.changed",
            "exchange_rate",
            1,
            before={"idr_per_unit": "15900.000000"},
            after={"idr_per_unit": "16125.500000"},
        )
        make_audit_entry(
            officer,
            "nomination.stock",
            "nomination",
            2,
            before={"stage": None, "on_hand": 0},
            after={"stage": "on_shelf", "movement": "received", "quantity": 20},
        )
        make_audit_entry(
            officer,
            "settlement.issued",
            "settlement",
            3,
            after={"gross_idr": 7068600, "net_idr": 5654880},
        )
        db.session.commit()
    html = login_as(officer).get("/office/audit").get_data(as_text=True)
    assert "idr_per_unit: 15,900" in html and "idr_per_unit: 16,125.5" in html
    assert "15900.000000" not in html and "None" not in html
    assert "stage: —" in html and "movement: Received at the channel" in html
    assert "gross_idr: Rp" in html and "7,068,600" in html
    csv_text = login_as(officer).get("/office/audit.csv").get_data(as_text=True)
    assert "15900.000000" in csv_text
