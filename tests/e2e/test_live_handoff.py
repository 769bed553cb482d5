"""Live handoff end to end, with the real Rasa server, action server and console.

A citizen on the web widget's channel (socket.io through the public entry) asks for a
person; the console's worker opens a ticket within seconds; an officer (a logged-in HTTP
session, as the browser's form posts make it) claims it and replies; the reply reaches
the citizen's socket; the citizen's answer shows in the officer's live view; the officer
hands back with an outcome, and the citizen's next question gets the bot's answer.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
import requests
from selenium.webdriver.support.ui import Select

from tests.e2e.launcher import ROOT, RunningBot, free_port, launch_bot
from tests.e2e.socket_citizen import SocketCitizen
from tests.e2e.test_console import (  # noqa: F401 (browser is a fixture)
    CONSOLE_DIR,
    CONSOLE_PYTHON,
    PASSWORD,
    Console,
    browser,
    console_command,
)
from tests.zalo.fake_zalo import FakeZalo
from tests.zalo.test_zalo_channel import APP_ID, APP_SECRET, OA_SECRET, event, new_user_id, send

HAND_BACK = "Cán bộ đã kết thúc hỗ trợ"


@pytest.fixture(scope="module")
def bot(tmp_path_factory, kb_url) -> Iterator[RunningBot]:
    with launch_bot(tmp_path_factory.mktemp("handoff-bot"), kb_url) as b:
        yield b


@pytest.fixture(scope="module")
def console(bot, tmp_path_factory) -> Iterator[str]:
    with run_console(bot, tmp_path_factory.mktemp("handoff-console")) as url:
        yield url


@contextmanager
def run_console(bot: RunningBot, work: Path, **settings: str) -> Iterator[str]:
    """The console as scripts/run-console.sh starts it (gunicorn and the worker);
    `settings` are extra CONSOLE_* environment variables."""
    subprocess.run(["bash", str(ROOT / "scripts" / "setup-console.sh")], check=True)
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))},
        "CONSOLE_SECRET_KEY": secrets.token_urlsafe(48),
        "CONSOLE_DATABASE_URL": f"sqlite:///{work / 'console.db'}",
        "CONSOLE_TRACKER_DB_URL": f"sqlite:///{bot.work / 'tracker.db'}",
        "RASA_INTERNAL_URL": bot.api_url,
        "RASA_JWT_SECRET": bot.env["RASA_JWT_SECRET"],
        "CONSOLE_INSECURE_COOKIES": "1",  # plain HTTP on the loopback
        "CONSOLE_STATIC_ROOT": str(work / "static"),
        "CONSOLE_INGEST_POLL_SECONDS": "0.5",
        "CONSOLE_ADMIN_PASSWORD": PASSWORD,
        **settings,
    }
    console_command("migrate", "--noinput", "-v", "0", env=env)
    console_command("collectstatic", "--noinput", "-v", "0", env=env)
    for name, role in (("can.bo.an", "officer"), ("can.bo.binh", "officer")):
        console_command("create_console_admin", "--username", name, "--role", role, env=env)
    logs = {name: (work / f"{name}.log").open("w") for name in ("web", "worker")}
    processes = [
        subprocess.Popen(
            [str(CONSOLE_DIR / ".venv" / "bin" / "gunicorn"), "console.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            cwd=CONSOLE_DIR, env=env, stdout=logs["web"], stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [str(CONSOLE_PYTHON), "manage.py", "console_worker", "--no-retention"],
            cwd=CONSOLE_DIR, env=env, stdout=logs["worker"], stderr=subprocess.STDOUT,
        ),
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/tai-khoan/dang-nhap/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        yield url
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=10).text
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def officer(console: str, username: str) -> requests.Session:
    session = requests.Session()
    login = f"{console}/tai-khoan/dang-nhap/"
    answer = session.post(
        login,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf(session, login),
        },
        timeout=10,
    )
    assert answer.ok and "dang-nhap" not in answer.url, answer.text[:500]
    return session


def post(session: requests.Session, console: str, path: str, page: str, **data: str):
    token = csrf(session, f"{console}{page}")
    return session.post(f"{console}{path}", data={**data, "csrfmiddlewaretoken": token}, timeout=30)


def wait_for(condition, seconds: float, message: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(message)


def test_an_officer_takes_over_a_widget_conversation_and_hands_it_back(bot, console):
    an, binh = officer(console, "can.bo.an"), officer(console, "can.bo.binh")
    citizen = SocketCitizen(bot.url)
    try:
        sender = citizen.request_session({})["session_id"]
        assert "cán bộ" in citizen.say("cho tôi gặp cán bộ", sender, "cán bộ")
        asked = time.monotonic()

        def my_ticket():
            rows = an.get(f"{console}/api/hang-cho/", timeout=10).json()["tickets"]
            return next((r for r in rows if r["sender_id"] == sender), None)

        ticket = wait_for(my_ticket, 5, "no ticket within 5 s of the request")
        assert time.monotonic() - asked < 5
        assert ticket["status"] == "pending" and ticket["channel"] == "socketio"
        assert ticket["reason"] == "Người dân yêu cầu gặp cán bộ"
        pk = ticket["id"]

        # claim: the first officer wins, the second is told who has it
        post(an, console, f"/hang-cho/{pk}/nhan/", "/hang-cho/")
        lost = post(binh, console, f"/hang-cho/{pk}/nhan/", "/hang-cho/")
        assert "Cán bộ can.bo.an đã nhận yêu cầu này." in lost.text

        # reply: it reaches the citizen's socket, marked as a staff message
        before = len(citizen.received)
        page = post(an, console, f"/hang-cho/{pk}/tra-loi/", f"/hang-cho/{pk}/",
                    text="Chào anh/chị, tôi là cán bộ An. Anh/chị cần hỗ trợ thủ tục gì ạ?")  # fmt: skip
        assert "Đã gửi" in page.text and "Chưa gửi được" not in page.text
        wait_for(
            lambda: any(
                "cán bộ An" in m.get("text", "") and m.get("from") == "staff"
                for m in citizen.received[before:]
            ),
            10,
            "the staff reply did not reach the citizen's socket as a person's message",
        )

        # the citizen answers: the bot stays silent, the officer's live view shows it
        quiet = citizen.say("tôi muốn hỏi về đăng ký tạm trú", sender, "zzz-none", 2)
        assert quiet == "", "the bot must be silent while the officer has the conversation"

        def seen_by_officer():
            data = an.get(f"{console}/api/hang-cho/{pk}/?after=0", timeout=10).json()
            kinds = [(m["kind"], m["text"]) for m in data["messages"]]
            return ("user", "tôi muốn hỏi về đăng ký tạm trú") in kinds and (
                "staff",
                "Chào anh/chị, tôi là cán bộ An. Anh/chị cần hỗ trợ thủ tục gì ạ?",
            ) in kinds

        wait_for(seen_by_officer, 5, "the citizen's answer did not reach the officer's view")

        # hand back with an outcome: the citizen is told, the bot answers again
        before = len(citizen.received)
        done = post(an, console, f"/hang-cho/{pk}/ket-thuc/", f"/hang-cho/{pk}/",
                    outcome="answered")  # fmt: skip
        assert "Đã kết thúc hỗ trợ" in done.text
        wait_for(
            lambda: any(HAND_BACK in m.get("text", "") for m in citizen.received[before:]),
            10,
            "the hand-back message did not reach the citizen",
        )
        assert bot.tracker(sender)["paused"] is False
        handed_back = next(m for m in citizen.received[before:] if HAND_BACK in m.get("text", ""))
        rating = [r.get("payload") for r in handed_back.get("quick_replies", [])]
        assert rating == ["/feedback_helpful", "/feedback_unhelpful"], handed_back
        citizen.say("/feedback_helpful", sender, "", 10)
        assert bot.tracker(sender)["slots"]["answer_feedback"] == "helpful"
        answer = citizen.say("đăng ký thường trú hết bao nhiêu tiền", sender, "20.000đ", 30)
        assert "20.000đ" in answer
        rows = an.get(f"{console}/api/hang-cho/", timeout=10).json()["tickets"]
        assert all(r["id"] != pk for r in rows)
    finally:
        citizen.close()


@pytest.fixture(scope="module")
def zalo(tmp_path_factory, kb_url):
    """The bot with the Zalo channel against the fake Zalo API, and its console."""
    work = tmp_path_factory.mktemp("handoff-zalo")
    with FakeZalo(app_id=APP_ID, app_secret_key=APP_SECRET) as fake:
        credentials = work / "credentials.yml"
        credentials.write_text(
            "bot.channels.rest.ReliableRestInput:\n"
            "bot.channels.zalo.ZaloInput:\n"
            f'  app_id: "{APP_ID}"\n'
            f'  oa_secret_key: "{OA_SECRET}"\n'
            f'  app_secret_key: "{APP_SECRET}"\n'
            f'  api_base: "{fake.url}"\n'
            f'  oauth_base: "{fake.url}"\n'
            f'  token_db_url: "sqlite:///{work / "zalo-tokens.db"}"\n'
            f'  initial_access_token: "{fake.initial_access_token}"\n'
            f'  initial_refresh_token: "{fake.initial_refresh_token}"\n',
            encoding="utf-8",
        )
        (work / "console").mkdir()
        with (
            launch_bot(work, kb_url, credentials=credentials) as bot,
            run_console(bot, work / "console") as url,
        ):
            yield bot, fake, url


def test_a_waiting_citizen_who_says_quay_lai_tro_ly_gets_the_bot_back(bot, console):
    an = officer(console, "can.bo.an")
    citizen = SocketCitizen(bot.url)
    try:
        sender = citizen.request_session({})["session_id"]
        assert "quay lại trợ lý" in citizen.say("cho tôi gặp cán bộ", sender, "cán bộ")

        def my_ticket():
            rows = an.get(f"{console}/api/hang-cho/", timeout=10).json()["tickets"]
            return next((r for r in rows if r["sender_id"] == sender), None)

        pk = wait_for(my_ticket, 10, "no ticket for the request")["id"]
        back = citizen.say("thôi, quay lại trợ lý nhé", sender, "rời hàng chờ")
        assert "Trợ lý tiếp tục hỗ trợ" in back
        answer = citizen.say("đăng ký thường trú hết bao nhiêu tiền", sender, "20.000")
        assert "20.000" in answer, answer
        wait_for(lambda: my_ticket() is None, 10, "the ticket stayed in the queue")
        page = an.get(f"{console}/hang-cho/{pk}/", timeout=10).text
        assert "Người dân quay lại trợ lý" in page
    finally:
        citizen.close()


def test_when_nobody_claims_the_citizen_is_told_and_the_bot_answers_again(tmp_path_factory, kb_url):
    """A bot of its own, and a console whose tickets expire after 6 seconds unclaimed
    (15 minutes by default), so no other console holds a ticket for this citizen."""
    work = tmp_path_factory.mktemp("impatient")
    (work / "console").mkdir()
    (work / "bot").mkdir()
    with (
        launch_bot(work / "bot", kb_url) as bot,
        run_console(bot, work / "console", CONSOLE_HANDOFF_UNCLAIMED_MINUTES="0.1"),
    ):
        citizen = SocketCitizen(bot.url)
        try:
            sender = citizen.request_session({})["session_id"]
            citizen.say("cho tôi gặp cán bộ", sender, "cán bộ")
            told = citizen.say("alo", sender, "chưa có cán bộ", 60)
            assert "chưa có cán bộ" in told, told
            assert bot.tracker(sender)["paused"] is False
            answer = citizen.say("đăng ký thường trú hết bao nhiêu tiền", sender, "20.000", 30)
            assert "20.000" in answer
        finally:
            citizen.close()


def test_an_officer_answers_a_zalo_citizen_through_the_zalo_api(zalo):
    bot, fake, console = zalo
    user = new_user_id()
    send(bot, event(user, "cho tôi gặp cán bộ"))
    assert fake.wait_for(lambda: "cán bộ" in fake.texts(user), 60), fake.texts(user)
    an = officer(console, "can.bo.an")

    def zalo_ticket():
        rows = an.get(f"{console}/api/hang-cho/", timeout=10).json()["tickets"]
        return next((r for r in rows if r["channel"] == "zalo"), None)

    pk = wait_for(zalo_ticket, 10, "no ticket for the Zalo conversation")["id"]
    post(an, console, f"/hang-cho/{pk}/nhan/", "/hang-cho/")
    page = an.get(f"{console}/hang-cho/{pk}/", timeout=10).text
    assert "Hạn trả lời trên Zalo" in page and 'maxlength="2000"' in page
    post(an, console, f"/hang-cho/{pk}/tra-loi/", f"/hang-cho/{pk}/",
         text="Chào anh/chị, cán bộ An đây.")  # fmt: skip
    assert fake.wait_for(lambda: "cán bộ An đây" in fake.texts(user), 20), fake.texts(user)
    fake.refuse_user(user)  # e.g. the citizen blocked the OA: Zalo answers with an error
    post(an, console, f"/hang-cho/{pk}/tra-loi/", f"/hang-cho/{pk}/", text="Anh/chị còn đó không?")
    page = an.get(f"{console}/hang-cho/{pk}/", timeout=10).text
    assert "Chưa gửi được" in page and "còn đó không" not in fake.texts(user)
    fake.accept_user(user)
    post(an, console, f"/hang-cho/{pk}/ket-thuc/", f"/hang-cho/{pk}/", outcome="answered")
    assert fake.wait_for(lambda: HAND_BACK in fake.texts(user), 20), fake.texts(user)
    send(bot, event(user, "đăng ký thường trú hết bao nhiêu tiền"))
    assert fake.wait_for(lambda: "20.000" in fake.texts(user), 60), fake.texts(user)


def test_in_the_browser_the_badge_and_the_live_view_follow_the_citizen(
    bot,
    console,
    browser,  # noqa: F811 (the fixture imported above)
):
    page = Console(browser, console)
    page.login("can.bo.binh")
    page.open("/hang-cho/")
    citizen = SocketCitizen(bot.url)
    try:
        sender = citizen.request_session({})["session_id"]
        citizen.say("cho tôi gặp cán bộ", sender, "cán bộ")
        # the badge and the queue follow by polling (static script, no inline code)
        page.wait(lambda: page.one("#queue-badge").text.strip() == "1", 10, "no badge")
        an = officer(console, "can.bo.an")
        rows = an.get(f"{console}/api/hang-cho/", timeout=10).json()["tickets"]
        mine = next(r["id"] for r in rows if r["sender_id"] == sender)
        claim = f'#queue-rows tr[data-ticket="{mine}"] button.claim'
        page.wait(lambda: page.css(claim), 10, "no row in the queue")
        page.one(claim).click()
        page.wait(lambda: page.css("#reply-text"), 10, "no reply box after the claim")
        page.one("#reply-text").send_keys("Cán bộ Bình xin nghe ạ.")
        page.one("#reply-form button[type=submit]").click()
        page.wait(lambda: "Đã gửi" in page.text(), 10, "reply not shown as sent")
        wait_for(
            lambda: any("Cán bộ Bình" in m.get("text", "") for m in citizen.received),
            10,
            "the reply did not reach the citizen",
        )
        citizen.say("cảm ơn cán bộ, tôi hỏi về căn cước", sender, "zzz-none", 1)
        page.wait(
            lambda: "tôi hỏi về căn cước" in page.one("#live-messages").text,
            10,
            "the citizen's answer did not appear in the live view",
        )
        assert page.csp_violations() == []
        Select(page.one("#outcome")).select_by_value("test")
        page.one("#close-form button[type=submit]").click()
        page.wait(lambda: "Đã kết thúc hỗ trợ" in page.text(), 10, "not handed back")
    finally:
        citizen.close()
