"""Sessions, CSRF, lockout, headers, and hostile text from citizens and staff."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings

from accounts.models import LoginFailure
from conversations.models import Conversation, Event
from tests.conftest import PASSWORD
from tests.helpers import ingest_all

XSS = [
    "<script>window.__xss=1</script>",
    "<img src=x onerror=\"alert('xss')\">",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
]
SQLI = [
    "'; DROP TABLE conversations_event; --",
    '" OR 1=1 --',
    "dang ky' UNION SELECT password FROM auth_user --",
]


def test_passwords_are_hashed_with_argon2_first():
    from console import settings as real

    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.django_db
def test_login_works_and_repeated_failures_lock_the_account(staff):
    client = Client()
    for _ in range(settings.LOCKOUT_FAILURES):
        response = client.post("/tai-khoan/dang-nhap/", {"username": "officer", "password": "sai"})
        assert response.status_code == 200 and "không đúng" in response.content.decode()
    # locked: even the right password is refused, and says why
    response = client.post("/tai-khoan/dang-nhap/", {"username": "officer", "password": PASSWORD})
    assert "tạm bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session
    LoginFailure.clear("officer")  # an admin unlocks it (admin page: delete the failures)
    response = client.post("/tai-khoan/dang-nhap/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"]


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_is_refused(staff, rasa):
    rasa.session("web:1")
    rasa.turn("web:1", "xin chào", "greet", "Chào anh/chị")
    ingest_all()
    conversation = Conversation.objects.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff["supervisor"])
    refused = client.post(f"/hoi-thoai/{conversation.pk}/ghi-chu/", {"text": "ghi chú"})
    assert refused.status_code == 403
    assert not conversation.comments.exists()
    # the login form too
    anonymous = Client(enforce_csrf_checks=True)
    assert (
        anonymous.post("/tai-khoan/dang-nhap/", {"username": "a", "password": "b"}).status_code
        == 403
    )
    # with the token from the page, the same post goes through
    page = client.get(f"/hoi-thoai/{conversation.pk}/")
    token = page.context["csrf_token"]
    accepted = client.post(
        f"/hoi-thoai/{conversation.pk}/ghi-chu/",
        {"text": "ghi chú", "csrfmiddlewaretoken": str(token)},
    )
    assert accepted.status_code == 302 and conversation.comments.count() == 1


@pytest.mark.django_db
def test_headers_forbid_framing_and_inline_script(login, staff):
    response = login("officer").get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "<script>" not in html and " style=" not in html and "onclick" not in html
    from console import settings as real

    assert real.SESSION_COOKIE_HTTPONLY and real.CSRF_COOKIE_HTTPONLY


@pytest.mark.django_db
@override_settings(IDLE_TIMEOUT_SECONDS=60)
def test_an_idle_session_is_logged_out(login, monkeypatch):
    import accounts.middleware as middleware

    client = login("officer")
    now = [1_000_000.0]
    monkeypatch.setattr(middleware.time, "time", lambda: now[0])
    assert client.get("/").status_code == 200
    now[0] += 30
    assert client.get("/").status_code == 200
    now[0] += 61
    response = client.get("/")
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


@pytest.mark.django_db
def test_markup_and_sql_from_citizens_and_staff_render_as_text(rasa, login):
    rasa.session("web:evil")
    for attack in XSS + SQLI:
        rasa.turn("web:evil", attack, "nlu_fallback", "Xin lỗi", confidence=0.1)
    rasa.bot("web:evil", XSS[0], staff="cb01")
    ingest_all()
    conversation = Conversation.objects.get()
    supervisor = login("supervisor")
    for attack in XSS:  # a staff member types them too: comment and tag
        supervisor.post(f"/hoi-thoai/{conversation.pk}/ghi-chu/", {"text": attack})
        supervisor.post(f"/hoi-thoai/{conversation.pk}/the/", {"name": attack[:40]})

    pages = [
        supervisor.get(f"/hoi-thoai/{conversation.pk}/").content.decode(),
        supervisor.get("/").content.decode(),
        supervisor.get("/so-lieu/").content.decode(),
    ]
    for html in pages:
        assert "<script>window.__xss" not in html
        assert "<img src=x" not in html and "<svg onload" not in html
    transcript = pages[0]
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in transcript
    assert "&lt;img src=x onerror=" in transcript
    assert "&#x27;; DROP TABLE conversations_event; --" in transcript
    # searching with SQL breaks nothing, and the tables are all still there
    for attack in SQLI:
        assert supervisor.get("/", {"q": attack}).status_code == 200
        assert supervisor.get("/", {"intent": attack, "tag": attack}).status_code == 200
    assert Event.objects.filter(kind="user").count() == len(XSS + SQLI)
    found = supervisor.get("/", {"q": "DROP TABLE"}).content.decode()
    assert f"/hoi-thoai/{conversation.pk}/" in found
