"""The support-staff console end to end, in headless Chromium, with the real bot.

The real Rasa server (its HTTP API behind an HS256 JWT, as in production) and action
server hold conversations that citizens had over REST; the console, started from its
own venv (console/.venv) exactly as scripts/run-console.sh starts it (gunicorn and the
ingest worker), reads their tracker store read-only. A reviewer logs in, filters the
inbox, opens a transcript and corrects an intent; a second reviewer accepts and exports
it; `rasa data validate` accepts the exported file with the project's domain and data.
A conversation saved as a test story (through Rasa's story endpoint) passes
`rasa test core`. Screenshots: results/console-{inbox,transcript,dashboard}.png.
"""

from __future__ import annotations

import base64
import os
import secrets
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Dict, Iterator

import pytest
import requests
import yaml
from selenium import webdriver
from selenium.common.exceptions import (
    NoAlertPresentException,
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.e2e.conftest import rest_conversation
from tests.e2e.launcher import PYTHON, ROOT, RunningBot, free_port, launch_bot
from tests.e2e.test_widget import CONTRAST

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CONSOLE_DIR = ROOT / "console"
CONSOLE_PYTHON = CONSOLE_DIR / ".venv" / "bin" / "python"
RESULTS = ROOT / "results"
PASSWORD = "mật khẩu kiểm thử đủ dài 2026"
XSS = '<img src=x onerror="window.__xss=1"> tôi muốn <script>window.__xss=2</script>'

# what citizens say over REST; the first is the one a reviewer corrects and exports
FEE_QUESTION = "cho em hỏi đăng ký thường trú cho bé nhà em tốn bao nhiêu tiền vậy ạ"
OTHER = ["làm hộ chiếu cần giấy tờ gì", "xyzzy qwop blorf", "cho tôi gặp cán bộ"]


@pytest.fixture(scope="module")
def bot(tmp_path_factory, kb_url) -> Iterator[RunningBot]:
    with launch_bot(tmp_path_factory.mktemp("console-bot"), kb_url) as b:
        yield b


@pytest.fixture(scope="module")
def chats(bot) -> Dict[str, str]:
    """Conversations citizens had with the real bot; sender id by name."""
    senders = {}
    fee = rest_conversation(bot.url)
    assert "20.000" in "".join(m.get("text", "") for m in fee(FEE_QUESTION))
    senders["fee"] = fee.sender
    other = rest_conversation(bot.url)
    for text in OTHER:
        other(text)
    senders["other"] = other.sender
    hostile = rest_conversation(bot.url)
    hostile(XSS)
    senders["xss"] = hostile.sender
    # Rasa's API refuses calls without the console's token
    story = f"{bot.api_url}/conversations/{fee.sender}/story"
    assert requests.get(story, timeout=10).status_code == 401
    return senders


def console_command(*args: str, env: Dict[str, str]) -> str:
    done = subprocess.run(
        [str(CONSOLE_PYTHON), "manage.py", *args],
        cwd=CONSOLE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def console(bot, chats, tmp_path_factory) -> Iterator[Dict[str, object]]:
    subprocess.run(["bash", str(ROOT / "scripts" / "setup-console.sh")], check=True)
    work = tmp_path_factory.mktemp("console")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))},
        "CONSOLE_SECRET_KEY": secrets.token_urlsafe(48),
        "CONSOLE_DATABASE_URL": f"sqlite:///{work / 'console.db'}",
        "CONSOLE_TRACKER_DB_URL": f"sqlite:///{bot.work / 'tracker.db'}",
        "RASA_INTERNAL_URL": bot.api_url,
        "RASA_JWT_SECRET": bot.env["RASA_JWT_SECRET"],
        "CONSOLE_INSECURE_COOKIES": "1",  # plain HTTP on the loopback
        "CONSOLE_NLU_EXPORT_DIR": str(work / "nlu"),
        "CONSOLE_STORY_EXPORT_DIR": str(work / "stories"),
        "CONSOLE_STATIC_ROOT": str(work / "static"),
        "CONSOLE_INGEST_POLL_SECONDS": "0.5",
        "CONSOLE_ADMIN_PASSWORD": PASSWORD,
    }
    console_command("migrate", "--noinput", "-v", "0", env=env)
    console_command("collectstatic", "--noinput", "-v", "0", env=env)
    for name, role in (("reviewer.an", "reviewer"), ("reviewer.binh", "reviewer"),
                       ("supervisor.chi", "supervisor")):  # fmt: skip
        console_command("create_console_admin", "--username", name, "--role", role, env=env)
    logs = {name: (work / f"{name}.log").open("w") for name in ("web", "worker")}
    processes = {
        "web": subprocess.Popen(
            [str(CONSOLE_DIR / ".venv" / "bin" / "gunicorn"), "console.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            cwd=CONSOLE_DIR, env=env, stdout=logs["web"], stderr=subprocess.STDOUT,
        ),
        "worker": subprocess.Popen(
            [str(CONSOLE_PYTHON), "manage.py", "console_worker"],
            cwd=CONSOLE_DIR, env=env, stdout=logs["worker"], stderr=subprocess.STDOUT,
        ),
    }  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/tai-khoan/dang-nhap/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        # every conversation the citizens had is in the console within seconds
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with sqlite3.connect(work / "console.db") as db:
                senders = {
                    r[0] for r in db.execute("SELECT sender_id FROM conversations_conversation")
                }
            if set(chats.values()) <= senders:
                break
            time.sleep(0.5)
        assert set(chats.values()) <= senders, (work / "worker.log").read_text()
        yield {"url": url, "work": work, "env": env}
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run scripts/setup-browser.sh")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=1280,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('console-chromium')}"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


class Console:
    def __init__(self, driver, url: str) -> None:
        self.driver, self.url = driver, url

    def wait(self, condition, seconds: float = 30, message: str = ""):
        # a condition read while the next page replaces this one meets stale elements
        changing = (StaleElementReferenceException, NoSuchElementException)

        def settled(_):
            try:
                return condition()
            except WebDriverException as error:
                # Chrome reports a node of the page being replaced this way, not as stale
                if "does not belong to the document" in str(error):
                    return False
                raise

        return WebDriverWait(self.driver, seconds, ignored_exceptions=changing).until(
            settled, message
        )

    def css(self, selector: str):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def one(self, selector: str):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def text(self) -> str:
        return self.one("body").text

    def open(self, path: str) -> None:
        self.driver.get(self.url + path)

    def login(self, username: str) -> None:
        self.driver.delete_all_cookies()
        self.open("/")
        self.wait(lambda: "/tai-khoan/dang-nhap/" in self.driver.current_url)
        self.one("#id_username").send_keys(username)
        self.one("#id_password").send_keys(PASSWORD)
        self.one("form button[type=submit]").click()
        self.wait(lambda: self.css("nav[aria-label='Điều hướng chính']"), message="not logged in")

    def logout(self) -> None:
        self.one(".account form button").click()
        self.wait(lambda: "/tai-khoan/dang-nhap/" in self.driver.current_url)

    def csp_violations(self) -> list:
        """Messages Chromium logged about blocked content (inline script, style...)."""
        logs = self.driver.get_log("browser")
        return [e["message"] for e in logs if "Content Security Policy" in e["message"]]

    def low_contrast(self) -> list:
        """Text below WCAG AA (4.5:1) among the page's text elements."""
        ratios = self.driver.execute_script(
            CONTRAST, "main p, main td, main th, main label, main a, main button, main dt,"
            " main dd, main li, main .badge, main .who, main .nlu, header a, header span",
        )  # fmt: skip
        return [(name, round(r, 2)) for name, r in ratios if r < 4.5]

    def fits(self, width: int) -> bool:
        self.driver.set_window_size(width, 900)
        return self.driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )

    def save(self, name: str) -> None:
        """A screenshot of the whole page, not only the window."""
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True,
             "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"],
                      "scale": 1}},
        )  # fmt: skip
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / name).write_bytes(base64.b64decode(shot["data"]))


def run_rasa(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RASA_TELEMETRY_ENABLED": "false",
           "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}  # fmt: skip
    return subprocess.run(
        [str(Path(PYTHON).parent / "rasa"), *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


def test_review_a_conversation_correct_export_and_save_a_story(console, chats, browser):
    page = Console(browser, str(console["url"]))
    page.login("reviewer.an")

    # inbox: every conversation, then the free-text filter without diacritics
    assert len(page.css("table.conversations tbody tr")) >= 3
    page.one("#id_q").send_keys("dang ky thuong tru")
    page.one(".filters button[type=submit]").click()
    page.wait(
        lambda: (
            "q=dang+ky+thuong+tru" in browser.current_url
            and len(page.css("table.conversations tbody tr")) == 1
        ),
        message="the filtered inbox did not show exactly one conversation",
    )
    rows = page.css("table.conversations tbody tr")
    assert FEE_QUESTION[:40] in rows[0].text
    assert page.fits(800), "the inbox fits a tablet (800 px) without sideways scrolling"
    assert page.fits(1280), "the inbox fits 1280 px"
    assert not page.low_contrast(), page.low_contrast()
    page.save("console-inbox.png")
    # keyboard: the skip link comes first and leads to the content
    page.one("body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Bỏ qua điều hướng"

    # transcript: the citizen's message with intent and confidence, the bot's answer
    rows[0].find_element(By.CSS_SELECTOR, "a").click()
    page.wait(lambda: page.css(".timeline .ev.user"))
    user = page.one(".timeline .ev.user")
    assert FEE_QUESTION in user.text and "Ý định: ask_fee" in user.text
    assert "độ tin cậy" in user.text
    assert "20.000" in page.one(".timeline .ev.bot").text
    assert "(giờ Việt Nam)" in page.text()
    assert "Đăng ký thường trú (1.004222)" in page.text()  # the procedure by its name
    assert page.fits(800) and page.fits(1280)
    assert not page.low_contrast(), page.low_contrast()
    page.save("console-transcript.png")
    transcript_url = browser.current_url

    # correct the intent and mark the procedure as docs/annotation.md says
    user.find_element(By.LINK_TEXT, "Đính chính ý định / thực thể").click()
    Select(page.one("#intent")).select_by_value("ask_fee")
    box = page.one("#annotated")
    box.clear()
    box.send_keys(FEE_QUESTION.replace("đăng ký thường trú", "[đăng ký thường trú](procedure)"))
    page.one("main form button[type=submit]").click()
    page.wait(lambda: "cần một người khác chấp nhận" in page.text())

    # the proposer cannot accept; a second reviewer can, and exports
    page.open("/dinh-chinh/")
    assert "Cần người khác duyệt" in page.text()
    page.logout()
    page.login("reviewer.binh")
    page.open("/dinh-chinh/")
    page.one("button[name=decision][value=accept]").click()
    page.wait(lambda: "Không có đính chính nào đang chờ." in page.text())
    page.one("#export").click()
    page.wait(lambda: "Đã xuất 1 ví dụ" in page.text())
    exported = sorted((Path(console["work"]) / "nlu").glob("console-*.yml"))
    assert len(exported) == 1
    document = yaml.safe_load(exported[0].read_text(encoding="utf-8"))
    assert document["nlu"][0]["intent"] == "ask_fee"
    assert "[đăng ký thường trú](procedure)" in document["nlu"][0]["examples"]

    validated = run_rasa(
        "data", "validate", "--config", "config.yml", "--domain", "domain",
        "--data", "data/nlu", "data/rules", str(exported[0]), "--fail-on-warnings",
    )  # fmt: skip
    assert validated.returncode == 0, validated.stdout[-3000:] + validated.stderr[-3000:]

    # save the conversation as a test story through Rasa's API (JWT), then run it
    browser.get(transcript_url)
    page.one("#save-story").click()
    page.wait(lambda: "Đã lưu kịch bản kiểm thử" in page.text(), 60)
    story = sorted((Path(console["work"]) / "stories").glob("test_console_*.yml"))
    assert len(story) == 1
    steps = yaml.safe_load(story[0].read_text(encoding="utf-8"))["stories"][0]["steps"]
    assert any(s.get("action") == "action_answer_fee" for s in steps)
    tested = run_rasa(
        "test", "core", "--model", os.environ["TEST_MODEL"], "--stories", str(story[0]),
        "--out", str(Path(console["work"]) / "story-results"), "--fail-on-prediction-errors",
    )  # fmt: skip
    assert tested.returncode == 0, tested.stdout[-3000:] + tested.stderr[-3000:]


def test_hostile_text_is_shown_as_text_and_the_dashboard_draws(console, chats, browser):
    page = Console(browser, str(console["url"]))
    page.login("supervisor.chi")
    page.open("/?handoff=on")
    assert len(page.css("table.conversations tbody tr")) == 1  # "cho tôi gặp cán bộ"

    page.open(f"/?q={requests.utils.quote('toi muon')}")
    page.css("table.conversations tbody tr a")[0].click()
    page.wait(lambda: page.css(".timeline .ev.user"))
    assert XSS in page.one(".timeline .ev.user .text").text
    assert browser.execute_script("return window.__xss === undefined")
    assert not page.css(".timeline img, .timeline script")
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.accept()

    page.open("/so-lieu/")
    assert len(page.css("svg.chart")) >= 1 and page.css("svg.chart rect")
    assert "hội thoại" in page.text()
    assert page.fits(1280) and not page.low_contrast(), page.low_contrast()
    page.save("console-dashboard.png")
    assert not page.csp_violations(), page.csp_violations()
    csv = page.one("#csv").get_attribute("href")
    assert "/so-lieu/csv/" in csv
