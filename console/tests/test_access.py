"""Every route of the URL configuration refuses an anonymous request, and a request
from every role that may not use it. Routes are listed from the URL configuration
itself, so a new route is tested (or fails the test) without anyone adding it here."""

from __future__ import annotations

import re
from typing import Iterator, List, Tuple

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from accounts.roles import ADMIN, ROLE_PERMISSIONS, ROLES
from conversations.models import Event, SavedView
from review.models import Correction, Tag
from tests.helpers import ingest_all

# Routes anyone may open: the login page and logout (which only ends a session).
PUBLIC = {"accounts:login", "accounts:logout", "admin:login", "admin:logout"}


def walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[Tuple[str, object, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + _text(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + _text(entry.pattern), entry.callback, f"{namespace}{entry.name}"


def _text(pattern) -> str:
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = text.lstrip("^").rstrip("$").replace("\\Z", "")
    return text


def routes() -> List[Tuple[str, object, str]]:
    return list(walk(get_resolver().url_patterns))


def concrete(route: str, ids: dict) -> str:
    """The route with sample values in place of its parameters."""
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m.group(1), 1)), route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(ids.get(m.group(1), 1)), route)
    return "/" + route


def is_admin_site(name: str) -> bool:
    return name.startswith("admin:")


def allowed_roles(view, name: str) -> List[str]:
    if is_admin_site(name):
        return [ADMIN]  # the Django admin: staff accounts only
    permission = getattr(view, "required_permission", None)
    assert permission, f"{name}: every view must declare who may use it (accounts.access.requires)"
    return [role for role in ROLES if permission in ROLE_PERMISSIONS[role]]


def refused_anonymous(response) -> bool:
    return response.status_code in (302, 401, 403) and (
        response.status_code != 302
        or "dang-nhap" in response["Location"]
        or "login" in response["Location"]
    )


@pytest.fixture
def ids(rasa, staff):
    rasa.session("web:abc")
    rasa.turn("web:abc", "làm hộ chiếu hết bao nhiêu", "ask_fee", "200.000đ")
    ingest_all()
    event = Event.objects.filter(kind="user").first()
    tag = Tag.objects.create(name="thử")
    view = SavedView.objects.create(owner=staff["officer"], name="v", query="q=x")
    correction = Correction.objects.create(
        event=event, text=event.text, intent="ask_fee", proposed_by=staff["admin"]
    )
    return {
        "pk": event.conversation_id,
        "event_id": event.pk,
        "tag_pk": tag.pk,
        "object_id": staff["officer"].pk,
        "app_label": "auth",
        "content_type_id": 1,
        "view_pk": view.pk,
        "correction_pk": correction.pk,
    }


def test_the_url_configuration_lists_every_part_of_the_console():
    names = {name for _, _, name in routes()}
    for expected in (
        "conversations:inbox",
        "conversations:transcript",
        "conversations:inbox_json",
        "review:correct",
        "review:export",
        "dashboard:dashboard",
        "dashboard:csv",
        "audit:log",
        "admin:index",
    ):
        assert expected in names


def test_every_route_refuses_anonymous_requests(client, ids):
    for route, _view, name in routes():
        if name in PUBLIC:
            continue
        url = concrete(route, ids)
        for method in (client.get, client.post):
            response = method(url)
            assert refused_anonymous(response), (name, url, response.status_code)


def test_every_route_refuses_roles_that_may_not_use_it(login, ids):
    checked = 0
    for route, view, name in routes():
        if name in PUBLIC:
            continue
        allowed = allowed_roles(view, name)
        url = concrete(route, ids)
        for role in ROLES:
            client = login(role)
            response = client.get(url)
            if response.status_code == 405:  # a POST-only action
                response = client.post(url)
            if role in allowed:
                # the admin's own views answer 403/404 to a request without their
                # parameters (autocomplete); being let in is what counts here
                if not is_admin_site(name):
                    assert response.status_code not in (401, 403), (name, role)
            elif is_admin_site(name):
                assert response.status_code == 302 and "/quan-tri/login/" in response["Location"], (
                    name
                )
            else:
                assert response.status_code == 403, (name, role, response.status_code)
                checked += 1
    assert checked >= 13  # refusals by our own views (the admin site comes on top)


def test_json_endpoint_needs_a_session_and_a_role(client, login, ids):
    response = client.get("/api/hoi-thoai/")
    assert response.status_code == 302 and settings.LOGIN_URL != ""
    answer = login("officer").get("/api/hoi-thoai/")
    assert answer.status_code == 200
    assert answer.json()["conversations"][0]["sender_id"] == "web:abc"


def test_navigation_shows_each_role_only_its_own_links(login, ids):
    officer = login("officer").get("/").content.decode()
    assert "Số liệu" not in officer and "Nhật ký" not in officer and "Đính chính" not in officer
    supervisor = login("supervisor").get("/").content.decode()
    assert "Số liệu" in supervisor and "Nhật ký" in supervisor and "Quản trị" not in supervisor
    assert "Quản trị" in login("admin").get("/").content.decode()
