"""Interest pages through HTTP: the form and its one-time key, channel attribution, the
conversation with its escaping and contact details, status changes, limits and lists."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.db import db
from marketplace.interests.models import Interest, InterestStatus, Message
from marketplace.products.models import Product
from tests.businesses.helpers import commit_and_detach
from tests.catalog.helpers import channel, city
from tests.conftest import csrf_token, post_form
from tests.factories import accept, make_buyer, make_listing, make_product, make_user
from tests.interests.helpers import count, express, interest_form, submission_key


@pytest.fixture
def cast(app: Flask) -> dict[str, Any]:
    """A buyer, the owner of a published product, and the product's slug."""
    with app.app_context():
        buyer, product = make_buyer(), make_listing()
        owner = product.business.owner
        slug, product_id = product.slug, product.id
        commit_and_detach(buyer, owner)
    return {"buyer": buyer, "owner": owner, "slug": slug, "product_id": product_id}


def _send(client: Any, slug: str, **overrides: Any) -> Any:
    data = interest_form(**overrides)
    data["submission_key"] = submission_key(client, slug)
    data["csrf_token"] = csrf_token(client, f"/products/{slug}/interest")
    return client.post(f"/products/{slug}/interest", data=data)


def _only_interest(app: Flask) -> Interest:
    with app.app_context():
        interest = db.session.scalars(sa.select(Interest)).one()
        db.session.expunge(interest)
        return interest


def test_the_form_offers_the_reference_lists_and_a_fresh_key(
    login_as: Any, cast: dict[str, Any]
) -> None:
    client = login_as(cast["buyer"])
    page = client.get(f"/products/{cast['slug']}/interest")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for text in ("Quantity", "Target price per unit", "Incoterm (Incoterms 2020)", "Destination"):
        assert text in html
    assert "FOB – Free on Board" in html and "DPU – Delivered at Place Unloaded" in html
    assert '<option selected value="piece">' in html
    assert submission_key(client, cast["slug"]) != submission_key(client, cast["slug"])


def test_the_form_is_for_buyers(client: Any, login_as: Any, cast: dict[str, Any]) -> None:
    """A buyer gets the full form, a visitor the quick one (see test_quick_views), and other
    signed-in people none."""
    url = f"/products/{cast['slug']}/interest"
    anonymous = client.get(url)
    assert anonymous.status_code == 200 and 'name="email"' in anonymous.get_data(as_text=True)
    assert 'name="email"' not in login_as(cast["buyer"]).get(url).get_data(as_text=True)
    assert login_as(cast["owner"]).get(url).status_code == 403
    assert login_as(cast["buyer"]).get("/products/no-such-thing/interest").status_code == 404


def test_submitting_twice_with_one_key_makes_one_interest(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    client = login_as(cast["buyer"])
    slug = cast["slug"]
    data = interest_form(submission_key=submission_key(client, slug))
    data["csrf_token"] = csrf_token(client, f"/products/{slug}/interest")
    first = client.post(f"/products/{slug}/interest", data=data)
    second = client.post(f"/products/{slug}/interest", data=data)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    interest = _only_interest(app)
    assert first.location.endswith(f"/interests/{interest.id}")
    assert interest.channel_id is None  # came directly
    with app.app_context():
        assert count(Message) == 0


def test_a_second_form_joins_the_open_conversation(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    client = login_as(cast["buyer"])
    _send(client, cast["slug"])
    form_page = client.get(f"/products/{cast['slug']}/interest").get_data(as_text=True)
    assert "You already have an open conversation" in form_page
    response = _send(client, cast["slug"], message="And 10 in red, please.", quantity="10")
    assert response.status_code == 302
    with app.app_context():
        assert count(Interest) == 1
        body = db.session.scalars(sa.select(Message.body)).one()
    assert body.endswith("And 10 in red, please.") and body.startswith("10 piece")
    page = client.get(response.location).get_data(as_text=True)
    assert "Your message is added to your open conversation" in page


def test_a_qr_visit_is_credited_to_its_channel(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    with app.app_context():
        fair = channel("harz-und-heide")
        nomination = accept(db.session.get_one(Product, cast["product_id"]), fair)
        nomination.qr_token = "hh26tag"
        fair_id = fair.id
        db.session.commit()
    client = login_as(cast["buyer"])
    scan = client.get("/t/hh26tag")
    assert scan.status_code == 302 and f"/products/{cast['slug']}" in scan.location
    assert _send(client, cast["slug"]).status_code == 302
    assert _only_interest(app).channel_id == fair_id


def test_a_channel_page_visit_is_credited_too(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    with app.app_context():
        fair = channel("harz-und-heide")
        fair.status = "open"
        accept(db.session.get_one(Product, cast["product_id"]), fair)
        fair_id = fair.id
        db.session.commit()
    client = login_as(cast["buyer"])
    visit = client.get(f"/channels/harz-und-heide/products/{cast['slug']}")
    assert visit.status_code == 302
    _send(client, cast["slug"])
    assert _only_interest(app).channel_id == fair_id


def test_form_errors_are_shown_beside_the_fields_and_nothing_is_made(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    client = login_as(cast["buyer"])
    response = _send(
        client,
        cast["slug"],
        message="x" * 4001,
        destination="y" * 121,
        quantity="0",
        target_price="abc",
        incoterm="XYZ",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert html.count("Please keep it to") == 2
    assert "4000 characters" in html and "120 characters" in html
    assert "Enter a whole number above zero." in html
    assert "Not a valid choice" in html
    with app.app_context():
        assert count(Interest) == 0


def test_a_price_with_a_decimal_comma_is_understood(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    client = login_as(cast["buyer"])
    assert _send(client, cast["slug"], target_price="12,50").status_code == 302
    assert str(_only_interest(app).target_price) == "12.50"


def test_messages_are_escaped_and_keep_their_line_breaks(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    client = login_as(cast["buyer"])
    _send(client, cast["slug"], message="<b>bold</b> & more")
    interest = _only_interest(app)
    url = f"/interests/{interest.id}"
    response = post_form(
        client, f"{url}/messages", {"body": "<script>alert(1)</script>\nline two"}, page=url
    )
    assert response.status_code == 302
    for reader in (client, login_as(cast["owner"])):
        html = reader.get(url).get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>\nline two" in html
        assert "<script>alert(1)" not in html
        assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html


def test_contact_details_appear_for_the_buyer_after_the_first_reply(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    buyer, owner = login_as(cast["buyer"]), login_as(cast["owner"])
    _send(buyer, cast["slug"])
    url = f"/interests/{_only_interest(app).id}"
    before = buyer.get(url).get_data(as_text=True)
    assert "hello@batik.example" not in before
    assert "Contact details are shared with a buyer once the business has answered" in before
    assert "hello@batik.example" not in buyer.get(f"/products/{cast['slug']}").get_data(
        as_text=True
    )
    owner_page = owner.get(url).get_data(as_text=True)
    assert "Your answer shares your business" in owner_page
    assert "Harz Handel GmbH" in owner_page and "Braunschweig" in owner_page
    post_form(owner, f"{url}/messages", {"body": "Thank you, we can."}, page=url)
    after = buyer.get(url).get_data(as_text=True)
    assert "Thank you, we can." in after
    assert "hello@batik.example" in after and "+62 22 1234567" in after
    assert "hello@batik.example" in buyer.get(f"/products/{cast['slug']}").get_data(as_text=True)
    assert _only_interest(app).status == InterestStatus.REPLIED


def test_the_owner_moves_the_status_through_the_page(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    _send(login_as(cast["buyer"]), cast["slug"])
    owner = login_as(cast["owner"])
    url = f"/interests/{_only_interest(app).id}"
    assert "Record won deal" not in owner.get(url).get_data(as_text=True)
    response = post_form(owner, f"{url}/status", {"status": "replied"}, page=url)
    assert response.status_code == 302
    post_form(owner, f"{url}/status", {"status": "negotiating"}, page=url)
    bad = post_form(
        owner, f"{url}/status", {"status": "won", "won_quantity": "0", "won_value": "abc"}, page=url
    )
    bad_html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Enter a whole number above zero." in bad_html
    assert "Enter the value in whole rupiah" in bad_html
    done = post_form(
        owner,
        f"{url}/status",
        {"status": "won", "won_quantity": "50", "won_value": "22.500.000"},
        page=url,
    )
    assert done.status_code == 302
    interest = _only_interest(app)
    assert (interest.status, interest.won_quantity, interest.won_value_idr) == (
        InterestStatus.WON,
        50,
        22_500_000,
    )
    html = owner.get(url).get_data(as_text=True)
    assert "Rp\xa022,500,000" in html and "The status is now: Won." in html
    # A step that is not allowed any more is refused with its reason.
    late = post_form(owner, f"{url}/status", {"status": "lost", "lost_reason": "x"}, page=url)
    assert late.status_code == 400
    assert "Only an open interest can be recorded as lost." in late.get_data(as_text=True)
    unknown = post_form(owner, f"{url}/status", {"status": "banana"}, page=url)
    assert unknown.status_code == 400


def test_a_party_using_the_other_partys_action_gets_403(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    buyer = login_as(cast["buyer"])
    _send(buyer, cast["slug"])
    url = f"/interests/{_only_interest(app).id}"
    assert post_form(buyer, f"{url}/status", {"status": "negotiating"}, page=url).status_code == 403
    assert post_form(login_as(cast["owner"]), f"{url}/withdraw", page=url).status_code == 403
    assert _only_interest(app).status == InterestStatus.NEW


def test_the_buyer_withdraws_and_the_conversation_closes(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    buyer = login_as(cast["buyer"])
    _send(buyer, cast["slug"])
    url = f"/interests/{_only_interest(app).id}"
    assert post_form(buyer, f"{url}/withdraw", page=url).status_code == 302
    html = buyer.get(url).get_data(as_text=True)
    assert "Your interest is withdrawn." in html and "This conversation is closed" in html
    refused = post_form(login_as(cast["owner"]), f"{url}/messages", {"body": "Hi"}, page=url)
    assert refused.status_code == 400
    assert "This conversation is closed." in refused.get_data(as_text=True)


def test_reports_reach_the_office(app: Flask, login_as: Any, cast: dict[str, Any]) -> None:
    buyer = login_as(cast["buyer"])
    _send(buyer, cast["slug"])
    url = f"/interests/{_only_interest(app).id}"
    empty = post_form(buyer, f"{url}/report", {"reason": ""}, page=url)
    assert empty.status_code == 400
    done = post_form(buyer, f"{url}/report", {"reason": "Asks me to pay in gift cards."}, page=url)
    assert done.status_code == 302
    owner = login_as(cast["owner"])
    post_form(owner, f"{url}/report", {"reason": "Not a real buyer."}, page=url)
    with app.app_context():
        from marketplace.ledger.models import AbuseReport

        reasons = db.session.scalars(sa.select(AbuseReport.reason).order_by(AbuseReport.id)).all()
    assert reasons == ["Asks me to pay in gift cards.", "Not a real buyer."]
    assert _only_interest(app).status == InterestStatus.SPAM


def test_officers_read_along_without_leaving_marks(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    _send(login_as(cast["buyer"]), cast["slug"])
    with app.app_context():
        officer = make_user(Role.OFFICER)
        commit_and_detach(officer)
    office = login_as(officer)
    url = f"/interests/{_only_interest(app).id}"
    html = office.get(url).get_data(as_text=True)
    assert "as the trade office" in html and "Send message" not in html
    assert _only_interest(app).owner_read_at is None
    assert post_form(office, f"{url}/messages", {"body": "Hi"}, page=url).status_code == 403
    assert office.get("/interests").status_code == 403


def test_the_message_limit_answers_429_with_a_clear_text(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    buyer = login_as(cast["buyer"])
    _send(buyer, cast["slug"])
    url = f"/interests/{_only_interest(app).id}"
    token = csrf_token(buyer, url)
    for n in range(60):
        sent = buyer.post(f"{url}/messages", data={"body": f"Message {n}", "csrf_token": token})
        assert sent.status_code == 302, n
    blocked = buyer.post(f"{url}/messages", data={"body": "One more", "csrf_token": token})
    html = blocked.get_data(as_text=True)
    assert blocked.status_code == 429
    assert "at most 60 messages an hour" in html and "go back to keep what you wrote" in html
    with app.app_context():
        assert count(Message) == 60
    # The limit counts per person: the owner still writes.
    owner = login_as(cast["owner"])
    assert post_form(owner, f"{url}/messages", {"body": "Hello"}, page=url).status_code == 302


def test_the_interest_limit_answers_429_and_errors_do_not_count(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    buyer = login_as(cast["buyer"])
    for _ in range(3):
        assert _send(buyer, cast["slug"], message="").status_code == 400
    for n in range(10):
        assert _send(buyer, cast["slug"], message=f"Interest {n}").status_code == 302
    blocked = _send(buyer, cast["slug"], message="Eleventh")
    assert blocked.status_code == 429
    assert "at most 10 interests an hour and 30 a day" in blocked.get_data(as_text=True)
    assert blocked.headers.get("Retry-After")
    with app.app_context():
        assert count(Interest) == 1 and count(Message) == 9


def test_lists_show_each_side_its_conversations(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    _send(login_as(cast["buyer"]), cast["slug"])
    with app.app_context():
        other = make_buyer("Seoul Select Co.")
        express(other, db.session.get_one(Product, cast["product_id"]), "From Seoul")
        commit_and_detach(other)
    owner = login_as(cast["owner"])
    inbox = owner.get("/interests").get_data(as_text=True)
    assert "Harz Handel GmbH" in inbox and "Seoul Select Co." in inbox
    assert inbox.count("Unread") == 2 and "New (2)" in inbox
    filtered = owner.get("/interests?status=replied").get_data(as_text=True)
    assert "Harz Handel GmbH" not in filtered and "No interest has this status." in filtered
    assert owner.get("/interests?status=nonsense").status_code == 200
    mine = login_as(cast["buyer"]).get("/interests").get_data(as_text=True)
    assert "Batik silk scarf" in mine and "Seoul Select" not in mine


def test_the_product_page_invites_buyers_and_visitors(
    client: Any, login_as: Any, cast: dict[str, Any]
) -> None:
    url = f"/products/{cast['slug']}"
    visitor = client.get(url).get_data(as_text=True)
    assert f'href="{url}/interest"' in visitor and "No account needed" in visitor
    assert "Register as a buyer" in visitor and f"next={url}" in visitor
    buyer = login_as(cast["buyer"])
    html = buyer.get(url).get_data(as_text=True)
    assert f'href="{url}/interest"' in html and "Add to shortlist" in html
    owner_html = login_as(cast["owner"]).get(url).get_data(as_text=True)
    assert "Express interest" not in owner_html


def test_nobody_writes_to_a_closed_product_page(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    buyer = login_as(cast["buyer"])
    key = submission_key(buyer, cast["slug"])
    with app.app_context():
        db.session.get_one(Product, cast["product_id"]).status = "archived"
        db.session.commit()
    data = interest_form(submission_key=key)
    data["csrf_token"] = csrf_token(buyer, "/")
    assert buyer.post(f"/products/{cast['slug']}/interest", data=data).status_code == 404


def test_the_currency_follows_the_profile_then_the_partner_city(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    url = f"/products/{cast['slug']}/interest"
    client = login_as(cast["buyer"])
    assert '<option selected value="IDR">' in client.get(url).get_data(as_text=True)
    with app.app_context():
        profile = db.session.get_one(User, cast["buyer"].id).buyer_profile
        assert profile is not None
        profile.partner_city = city("Braunschweig")
        db.session.commit()
    assert '<option selected value="EUR">' in client.get(url).get_data(as_text=True)
    with app.app_context():
        profile = db.session.get_one(User, cast["buyer"].id).buyer_profile
        assert profile is not None
        profile.preferred_currency = "USD"
        db.session.commit()
    assert '<option selected value="USD">' in client.get(url).get_data(as_text=True)


def test_the_conversation_and_the_form_are_valid_html(
    app: Flask, login_as: Any, cast: dict[str, Any]
) -> None:
    """Each of the page's forms has its own button id; times carry whole seconds (HTML allows
    at most three decimals); the target price, a text field, has no number-only attributes."""
    buyer, owner = login_as(cast["buyer"]), login_as(cast["owner"])
    form = buyer.get(f"/products/{cast['slug']}/interest").get_data(as_text=True)
    price = re.search(r'<input[^>]*name="target_price"[^>]*>', form)
    assert price is not None and 'type="text"' in price[0]
    assert not re.search(r"\b(min|max|step)=", price[0])
    _send(buyer, cast["slug"])
    url = f"/interests/{_only_interest(app).id}"
    post_form(owner, f"{url}/messages", {"body": "Thank you, we can."}, page=url)
    for client in (buyer, owner):
        html = client.get(url).get_data(as_text=True)
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
        stamps = re.findall(r'<time datetime="([^"]+)"', html)
        assert len(stamps) >= 2  # the interest, the reply, and any other moment the page names
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", s) for s in stamps)


def _pager_links(page: str) -> dict[str, str]:
    """The pager's links by their rel (prev, next), as written in the page."""
    links = re.findall(r'<a href="([^"]+)" rel="(prev|next)">', page)
    return {rel: href.replace("&amp;", "&") for href, rel in links}


def test_lists_of_conversations_come_twenty_to_a_page(app: Flask, login_as: Any) -> None:
    with app.app_context():
        buyer, first = make_buyer(), make_listing("Product 0")
        business, owner = first.business, first.business.owner
        express(buyer, first)
        for n in range(1, 21):
            express(buyer, make_product(business, name=f"Product {n}", photos=0))
        commit_and_detach(buyer, owner)
    inbox = login_as(owner)
    first_page = inbox.get("/interests?status=new").get_data(as_text=True)
    assert first_page.count('class="card unread"') == 20
    links = _pager_links(first_page)
    assert set(links) == {"next"}
    assert "page=2" in links["next"] and "status=new" in links["next"]
    second_page = inbox.get(links["next"]).get_data(as_text=True)
    assert second_page.count('class="card unread"') == 1
    assert set(_pager_links(second_page)) == {"prev"}
    assert "page=1" in _pager_links(second_page)["prev"]
    beyond = inbox.get("/interests?page=3").get_data(as_text=True)
    assert "card unread" not in beyond and _pager_links(beyond) == {}
    mine = login_as(buyer)
    assert set(_pager_links(mine.get("/interests").get_data(as_text=True))) == {"next"}
    last = mine.get("/interests?page=2").get_data(as_text=True)
    assert last.count('<li class="card') == 1 and set(_pager_links(last)) == {"prev"}
