"""Accounts in the office: listed and searched by role, status and name; suspended and
reactivated with a reason; a suspended business's products and nominations pause; officers
decide but have no way to edit what an owner wrote."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User, UserStatus
from marketplace.businesses.models import Business, BusinessStatus
from marketplace.channels import curation
from marketplace.db import db
from marketplace.ledger.models import AuditEntry
from tests.accounts.helpers import is_logged_in, log_in
from tests.businesses.helpers import commit_and_detach
from tests.conftest import csrf_token
from tests.factories import make_business, make_channel, make_product, make_user
from tests.office.helpers import audit_actions, flashes, submit


def listed(html: str) -> list[str]:
    return re.findall(r'<td><a href="/office/accounts/\d+">([^<]+)</a></td>', html)


def test_accounts_are_listed_and_searched_by_role_status_and_name(
    app: Flask, login_as: Any, officer: User
) -> None:
    with app.app_context():
        make_user(Role.MSME, name="Siti Rahayu", email="siti@batik.example")
        make_user(Role.BUYER, name="Anna Schmidt", email="anna@harz.example")
        make_user(
            Role.BUYER, name="Sitompul Trading", email="buy@medan.example"
        ).status = UserStatus.SUSPENDED
        db.session.commit()
    client = login_as(officer)
    everyone = listed(client.get("/office/accounts").get_data(as_text=True))
    assert everyone == ["Anna Schmidt", "Dewi Officer", "Siti Rahayu", "Sitompul Trading"]
    assert listed(client.get("/office/accounts?q=SIT").get_data(as_text=True)) == [
        "Siti Rahayu",
        "Sitompul Trading",
    ]
    assert listed(client.get("/office/accounts?q=harz.example").get_data(as_text=True)) == [
        "Anna Schmidt"
    ]
    assert listed(client.get("/office/accounts?role=buyer").get_data(as_text=True)) == [
        "Anna Schmidt",
        "Sitompul Trading",
    ]
    assert listed(
        client.get("/office/accounts?role=buyer&status=suspended").get_data(as_text=True)
    ) == ["Sitompul Trading"]
    assert listed(client.get("/office/accounts?q=%25").get_data(as_text=True)) == []
    response = client.get("/office/accounts?role=emperor")
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)


def test_a_suspended_person_cannot_log_in_until_reactivated(
    app: Flask, login_as: Any, officer: User
) -> None:
    with app.app_context():
        buyer = make_user(Role.BUYER, email="anna@harz.example")
        commit_and_detach(buyer)
    session = login_as(buyer)
    assert session.get("/interests").status_code == 200
    office = login_as(officer)
    page = f"/office/accounts/{buyer.id}"
    response = submit(office, page, f"{page}/suspend", {"suspend-reason": ""})
    assert response.status_code == 400 and "Please give the reason." in response.get_data(
        as_text=True
    )
    response = submit(
        office,
        page,
        f"{page}/suspend",
        {"suspend-reason": "Spam sent to ten MSMEs."},
        follow_redirects=True,
    )
    assert "can no longer log in" in flashes(response)
    assert session.get("/interests").status_code == 302  # the open session ended at once
    assert log_in(app.test_client(), "anna@harz.example").status_code == 400
    response = submit(office, page, f"{page}/reactivate", {"reactivate-reason": ""})
    assert response.status_code == 400
    submit(office, page, f"{page}/reactivate", {"reactivate-reason": "Explained by phone."})
    client = app.test_client()
    log_in(client, "anna@harz.example")
    assert is_logged_in(client)
    assert audit_actions(app, "user", buyer.id) == [
        ("user.suspend", officer.id),
        ("user.reactivate", officer.id),
    ]
    with app.app_context():
        reasons = db.session.scalars(
            sa.select(AuditEntry.reason)
            .where(AuditEntry.subject_type == "user")
            .order_by(AuditEntry.id)
        ).all()
        assert reasons == ["Spam sent to ten MSMEs.", "Explained by phone."]


def test_officers_cannot_suspend_staff_or_themselves(
    app: Flask, login_as: Any, officer: User
) -> None:
    with app.app_context():
        colleague = make_user(Role.OFFICER, name="Colleague")
        admin = make_user(Role.ADMIN, name="Admin")
        commit_and_detach(colleague, admin)
    office = login_as(officer)
    for target in (colleague, officer):
        html = office.get(f"/office/accounts/{target.id}").get_data(as_text=True)
        assert "You cannot suspend or reactivate this account" in html
        response = office.post(
            f"/office/accounts/{target.id}/suspend",
            data={
                "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1),
                "suspend-seen": "active",
                "suspend-reason": "Testing.",
            },
            follow_redirects=True,
        )
        assert "cannot" in flashes(response) or "Only an admin" in flashes(response)
    with app.app_context():
        assert db.session.get_one(User, colleague.id).status == UserStatus.ACTIVE
    page = f"/office/accounts/{colleague.id}"
    submit(login_as(admin), page, f"{page}/suspend", {"suspend-reason": "Left the office."})
    with app.app_context():
        assert db.session.get_one(User, colleague.id).status == UserStatus.SUSPENDED


def test_a_suspended_business_vanishes_and_its_nominations_pause(
    app: Flask, client: Any, login_as: Any, officer: User
) -> None:
    with app.app_context():
        business = make_business(name="Kriya Cibaduyut")
        lamp = make_product(business, name="Bamboo lamp")
        tray = make_product(business, name="Rattan tray")
        channel = make_channel("Little Bandung Paris")
        shown = curation.nominate(lamp, business.owner, channel, "")
        waiting = curation.nominate(tray, business.owner, channel, "")
        curation.decide_nomination(shown, db.session.get_one(User, officer.id), True, "Fits.")
        ids = (business.id, lamp.slug, channel.slug, channel.id, waiting.id)
        db.session.commit()
    business_id, slug, channel_slug, channel_id, waiting_id = ids
    assert "Bamboo lamp" in client.get(f"/channels/{channel_slug}").get_data(as_text=True)
    office = login_as(officer)
    page = f"/office/businesses/{business_id}"
    submit(office, page, f"{page}/suspend", {"suspend-reason": "Counterfeit goods."})
    assert "Bamboo lamp" not in client.get("/catalog").get_data(as_text=True)
    assert "Bamboo lamp" not in client.get("/search?q=bamboo").get_data(as_text=True)
    assert client.get(f"/products/{slug}").status_code == 404
    assert "Bamboo lamp" not in client.get(f"/channels/{channel_slug}").get_data(as_text=True)
    queue = office.get("/office/queues/nominations").get_data(as_text=True)
    assert "Paused (1)" in queue and "Rattan tray" in queue.split("Paused (1)")[1]
    review = f"/office/channels/{channel_id}"
    html = office.get(review).get_data(as_text=True)
    assert f"/office/channels/{channel_id}/nominations/{waiting_id}/decide" in html
    submit(office, page, f"{page}/reinstate", {"reinstate-reason": "Cleared."})
    assert "Bamboo lamp" in client.get(f"/channels/{channel_slug}").get_data(as_text=True)
    assert "Paused" not in office.get("/office/queues/nominations").get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(User, officer.id).role == Role.OFFICER
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action.in_(["business.suspended", "business.reinstated"]))
            )
            == 2
        )
        assert db.session.get_one(Business, business_id).status == BusinessStatus.VERIFIED


def test_officers_have_no_way_to_edit_an_owners_content(
    app: Flask, login_as: Any, officer: User
) -> None:
    with app.app_context():
        business = make_business()
        product = make_product(business)
        ids = {"product_id": product.id, "certification_id": 1, "image_id": 1}
        db.session.commit()
    office = login_as(officer)
    owner_rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0]
        in ("my_business", "my_products", "product_photos", "workspace")
    ]
    assert owner_rules
    token = csrf_token(office, "/office/rates")
    for rule in owner_rules:
        url = rule.build({name: ids.get(name, 1) for name in rule.arguments})[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = office.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 403, (method, url)
    # The office's own routes only decide: none of them takes the owner's fields (approving a
    # change of identity applies what the owner asked for, nothing the officer types). An
    # admin's coordinator pages open staff accounts and assign channels, no owner's content.
    # Screening a buyer's request sends it out or holds it back with the officer's reason.
    office_posts = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("office.") and "POST" in (rule.methods or set())
    }
    assert office_posts == {
        "office.bulk_approve",
        "office.bulk_approve_confirm",
        "office.coordinator",
        "office.create_coordinator",
        "office.dismiss_report",
        "office.exchange_rates",
        "office.approve_product",
        "office.approve_identity",
        "office.reject_identity",
        "office.reactivate_account",
        "office.reinstate_business",
        "office.reject_business",
        "office.reject_product",
        "office.resolve_report",
        "office.screen_request",
        "office.suspend_account",
        "office.suspend_business",
        "office.verify_business",
        # An unanswered interest: the office's own notes and steps, nothing of the owner's.
        "office.take_escalation",
        "office.note_escalation",
        "office.contacted_escalation",
        "office.close_escalation",
        # A failed background job: run again or discarded, nothing of the owner's.
        "office.run_job_again",
        "office.discard_job",
    }


ROWS = re.compile(
    r'<td><a href="/office/accounts/\d+">([^<]+)</a></td>\s*<td>[^<]*</td>\s*'
    r"<td>([^<]*)</td>\s*<td><span [^>]*>([^<]*)</span></td>"
)


def test_roles_and_statuses_read_in_words_and_the_filters_send_the_keys(
    app: Flask, login_as: Any, officer: User
) -> None:
    with app.app_context():
        owner = make_user(Role.MSME, name="Siti Rahayu", email="siti@batik.example")
        make_user(
            Role.BUYER, name="Sitompul Trading", email="buy@medan.example"
        ).status = UserStatus.SUSPENDED
        db.session.commit()
        owner_id = owner.id
    client = login_as(officer)
    html = client.get("/office/accounts").get_data(as_text=True)
    assert ROWS.findall(html) == [
        ("Dewi Officer", "Officer", "Active"),
        ("Siti Rahayu", "MSME owner", "Active"),
        ("Sitompul Trading", "Buyer", "Suspended"),
    ]
    assert '<option value="msme">MSME owner</option>' in html
    assert '<option value="suspended">Suspended</option>' in html
    chosen = client.get("/office/accounts?role=msme").get_data(as_text=True)
    assert ROWS.findall(chosen) == [("Siti Rahayu", "MSME owner", "Active")]
    assert '<option selected value="msme">MSME owner</option>' in chosen
    page = client.get(f"/office/accounts/{owner_id}").get_data(as_text=True)
    assert "<dt>Role</dt><dd>MSME owner</dd>" in page and "msme" not in page.split("<main")[1]

    with app.app_context():
        db.session.get_one(User, officer.id).locale = "id"
        db.session.commit()
    html = client.get("/office/accounts").get_data(as_text=True)
    assert ROWS.findall(html)[1:] == [
        ("Siti Rahayu", "Pemilik UMKM", "Aktif"),
        ("Sitompul Trading", "Pembeli", "Ditangguhkan"),
    ]
