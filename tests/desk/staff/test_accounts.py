"""Staff sign-in over real HTTP: accounts from `kb desk user add`, the session cookie, CSRF on
every form, the same message for a wrong password and an unknown name, the throttle, sign-out,
and nothing staff-only reachable signed out."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
import sqlalchemy as sa
from staffkit import csrf_of, kb, sign_in
from starlette.testclient import TestClient

from desk import config
from desk.app import create_app
from desk.migrations import upgrade
from desk.staff.accounts import WRONG, Accounts
from desk.storage import Store, requests, staff_users
from testkit.desk_seed import STAFF

# Every staff page and read API; GET ones must redirect to the sign-in form, POSTs be refused.
STAFF_GETS = [
    "/desk/",
    "/desk/?priority=P1",
    "/desk/requests/{ref}",
    "/desk/reports",
    "/desk/reports/attainment-priority.svg",
    "/desk/no-such-page",
]
STAFF_POSTS = ["/desk/requests/{ref}/acknowledge", "/desk/sign-out"]


def test_user_add_hashes_with_argon2id_and_refuses_bad_input(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    ok = kb("desk", "user", "add", "ada", "--db", url, "--password-stdin", stdin="a long enough secret\n")
    assert ok.returncode == 0, ok.stderr
    assert "staff account 'ada' added" in ok.stderr
    store = Store(url)
    stored = store.table_rows(staff_users)[0]["password_hash"]
    store.close()
    assert stored.startswith("$argon2id$") and "a long enough secret" not in stored
    again = kb("desk", "user", "add", "ada", "--db", url, "--password-stdin", stdin="another long secret\n")
    assert again.returncode == 1 and again.stderr.strip() == "ERROR: a staff account 'ada' already exists"
    short = kb("desk", "user", "add", "bob", "--db", url, "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "too short: at least 10 characters" in short.stderr
    bad = kb("desk", "user", "add", "<b>x", "--db", url, "--password-stdin", stdin="a long enough secret\n")
    assert bad.returncode == 1 and "is not a staff name" in bad.stderr
    assert "Traceback" not in short.stderr + bad.stderr + again.stderr


def test_signed_out_every_staff_url_is_refused(staff_desk):
    ref = staff_desk.seeded.references["monday-p1"]
    c = staff_desk.client()
    for path in STAFF_GETS:
        res = c.get(path.format(ref=ref))
        assert res.status_code == 303 and res.headers["location"].startswith("/desk/sign-in"), path
        assert ref not in res.text and "Server down" not in res.text
    for path in STAFF_POSTS:
        res = c.post(path.format(ref=ref), data={"csrf": "x"})
        assert res.status_code == 403 and "not signed in" in res.text, path
    api = c.get("/api/staff/feedback")
    assert api.status_code == 401 and "read token" in api.json()["errors"][0]["message"]
    assert c.get("/api/staff/feedback", headers={"Authorization": "Bearer kbdesk_guess"}).status_code == 401
    row = staff_desk.store.request(staff_desk.seeded.ids["monday-p1"])
    assert row["acknowledged_at"] is None
    # the style sheet is the one thing served to everyone (the sign-in page uses it)
    assert c.get("/desk/static/desk.css").status_code == 200


def test_sign_in_cookie_and_sign_out(staff_desk):
    c = staff_desk.client()
    res = sign_in(c, *STAFF, next_="/desk/reports")
    assert res.status_code == 303 and res.headers["location"] == "/desk/reports"
    cookie = next(h for h in res.headers.get_list("set-cookie") if h.startswith("kb_desk_session="))
    attrs = {a.strip().split("=")[0].lower() for a in cookie.split(";")}
    assert {"httponly", "samesite", "path"} <= attrs and "secure" not in attrs  # plain http on loopback
    assert "samesite=lax" in cookie.lower()
    assert c.get("/desk/").status_code == 200
    page = c.get("/desk/")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    token = c.cookies.get("kb_desk_session")
    out = c.post("/desk/sign-out", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303 and out.headers["location"] == "/desk/sign-in?notice=signed-out"
    # the old cookie is dead: the session is gone from the database, not only from the browser
    replay = staff_desk.client()
    replay.cookies.set("kb_desk_session", token)
    assert replay.get("/desk/").status_code == 303


def test_cookie_is_secure_over_https(staff_desk, policy, site_dir):
    # TLS is the proxy's job in production; the ASGI scope's scheme is what the desk reads.
    app = create_app(config.load(staff_desk.store.url, site_dir=site_dir), clock=staff_desk.clock)
    with TestClient(app, base_url="https://desk.example") as c:
        form = c.get("/desk/sign-in")
        res = c.post(
            "/desk/sign-in",
            data={"csrf": csrf_of(form.text), "name": STAFF[0], "password": STAFF[1]},
            follow_redirects=False,
        )
    cookie = next(h for h in res.headers.get_list("set-cookie") if h.startswith("kb_desk_session="))
    assert "secure" in cookie.lower()


def test_next_never_leaves_the_desk(staff_desk):
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "/desk/\\\\x"):
        res = sign_in(staff_desk.client(), *STAFF, next_=target)
        assert res.headers["location"] == "/desk/", target
    # a failed attempt keeps where the person was going
    c = staff_desk.client()
    failed = sign_in(c, STAFF[0], "wrong password!", next_="/desk/reports")
    assert '<input type="hidden" name="next" value="/desk/reports">' in failed.text
    assert (
        c.post(
            "/desk/sign-in",
            data={"csrf": csrf_of(failed.text), "name": STAFF[0], "password": STAFF[1], "next": "/desk/reports"},
        ).headers["location"]
        == "/desk/reports"
    )


def test_wrong_password_and_unknown_name_read_the_same_and_are_slowed(tmp_path, site_dir):
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    upgrade(url)
    store = Store(url)
    t = [dt.datetime(2026, 3, 9, 17, 0, tzinfo=dt.UTC)]
    accounts = Accounts(store, clock=lambda: t[0])
    accounts.add_user("ada", "a long enough secret")
    wrong = accounts.sign_in("ada", "not the password")
    unknown = accounts.sign_in("nobody", "not the password")
    assert wrong.refused == unknown.refused == WRONG and wrong.token is None
    for _ in range(2):
        assert accounts.sign_in("ada", "still wrong").refused == WRONG
    # 3 failures: the 4th attempt must wait, even with the right password
    slowed = accounts.sign_in("ada", "a long enough secret")
    assert slowed.token is None and "Wait 1 s" in (slowed.refused or "")
    t[0] += dt.timedelta(seconds=2)
    assert accounts.sign_in("ada", "wrong again").refused == WRONG  # 4 failures: 2 s now
    t[0] += dt.timedelta(seconds=1)
    assert "Wait 1 s" in (accounts.sign_in("ada", "a long enough secret").refused or "")
    t[0] += dt.timedelta(seconds=1)
    ok = accounts.sign_in("ada", "a long enough secret")
    assert ok.token and ok.session and ok.session.user == "ada"
    # an unknown name is slowed the same way: the throttle tells nothing about who exists
    for _ in range(3):
        accounts.sign_in("ghost", "x" * 12)
    assert "Wait" in (accounts.sign_in("ghost", "x" * 12).refused or "")
    # success cleared ada's failures
    assert accounts.sign_in("ada", "bad").refused == WRONG
    store.close()


def test_the_sign_in_form_says_the_same_for_both_over_http(staff_desk):
    a = sign_in(staff_desk.client(), STAFF[0], "wrong password!")
    b = sign_in(staff_desk.client(), "no-such-person", "wrong password!")
    assert a.status_code == b.status_code == 401
    assert WRONG in a.text and WRONG in b.text
    assert a.text.replace(STAFF[0], "no-such-person") == b.text.replace(csrf_of(b.text), csrf_of(a.text))


def test_forms_without_the_csrf_token_are_refused(staff_desk):
    ref = staff_desk.seeded.references["monday-p2"]
    c = staff_desk.signed_in()
    for data in ({}, {"csrf": ""}, {"csrf": "forged-token"}):
        res = c.post(f"/desk/requests/{ref}/acknowledge", data=data)
        assert res.status_code == 403 and "did not come from your desk session" in res.text
        assert c.post("/desk/sign-out", data=data).status_code == 403
    with staff_desk.store.engine.connect() as conn:
        acked = conn.execute(sa.select(requests.c.acknowledged_at).where(requests.c.reference == ref)).scalar()
    assert acked is None
    assert c.get("/desk/").status_code == 200  # still signed in
    # a token of another session does not do either
    other = staff_desk.signed_in()
    res = c.post(f"/desk/requests/{ref}/acknowledge", data={"csrf": csrf_of(other.get("/desk/").text)})
    assert res.status_code == 403
    # the sign-in form itself: without its cookie, refused
    fresh = staff_desk.client()
    res = fresh.post("/desk/sign-in", data={"csrf": "x", "name": STAFF[0], "password": STAFF[1]})
    assert res.status_code == 403 and "kb_desk_session" not in res.headers.get("set-cookie", "")


def test_read_token_opens_the_feedback_api(staff_desk):
    token = Accounts(staff_desk.store).add_read_token("ci")
    res = httpx.get(staff_desk.url + "/api/staff/feedback", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200
    rows = {r["article_id"]: r for r in res.json()["articles"]}
    assert rows["scanner-not-detected"] == {
        "article_id": "scanner-not-detected",
        "helpful": 2,
        "not_helpful": 5,
        "known": True,
    }


@pytest.mark.parametrize("body", [b"name=x&password=y", b"\xff\xfe", b"a=" + b"x" * 20_000])
def test_odd_sign_in_bodies_get_a_form_not_a_crash(staff_desk, body):
    c = staff_desk.client()
    c.get("/desk/sign-in")
    res = c.post("/desk/sign-in", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert res.status_code in (403, 413), res.text[:200]
