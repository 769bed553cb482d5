"""The web chat widget in a real browser (headless Chromium) against the real bot.

The demo portal page served by `bot.channels.widget.WidgetInput` (credentials.yml) embeds
the widget, which talks to Rasa's socket.io channel over a plain WebSocket. The servers are
the shared `servers` fixture (tests/e2e/conftest.py). Needs the system Chromium and
ChromeDriver (`scripts/setup-browser.sh`) and Selenium; Selenium never downloads anything.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import List

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.launcher import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WIDTH, HEIGHT = 360, 740
ANSWER_WAIT = 90  # seconds: the first answers also warm up the action server
SCREENSHOT = ROOT / "results" / "widget.png"

# what the attacker sends, from the citizen's side and from the bot's side
XSS_IMG = "<img src=x onerror=\"window.__xss=1;alert('xss')\">"
XSS_SCRIPT = "<script>window.__xss=2;alert('xss')</script>"
XSS_LINK = "javascript:window.__xss=3"


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run scripts/setup-browser.sh")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
        f"--window-size={WIDTH},{HEIGHT}",
    ):
        options.add_argument(flag)
    # headless windows are at least 500 px wide: emulate the phone's viewport itself
    options.add_experimental_option(
        "mobileEmulation", {"deviceMetrics": {"width": WIDTH, "height": HEIGHT, "pixelRatio": 1}}
    )
    browser = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        yield browser
    finally:
        browser.quit()


class Widget:
    """The widget on the demo page, as a citizen uses it."""

    def __init__(self, driver, url: str) -> None:
        self.driver = driver
        self.demo_url = f"{url}/webhooks/widget/demo"

    def wait(self, condition, seconds: float = 30, message: str = ""):
        return WebDriverWait(self.driver, seconds).until(lambda _: condition(), message)

    def css(self, selector: str) -> List[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def one(self, selector: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def load(self, fresh: bool = False) -> None:
        if fresh:
            self.driver.get(self.demo_url)
            self.driver.execute_script("localStorage.clear()")
        self.driver.get(self.demo_url)
        self.wait(lambda: self.css(".tldvc-launcher"), message="the widget did not load")

    def open(self) -> None:
        if not self.one(".tldvc-panel").is_displayed():
            self.one(".tldvc-launcher").click()
        self.wait(lambda: self.one(".tldvc-panel").is_displayed())
        self.wait_connected()

    def wait_connected(self) -> None:
        self.wait(
            lambda: self.one(".tldvc-status").text == "Sẵn sàng trả lời",
            message="the widget did not connect to socket.io",
        )

    @property
    def session_id(self) -> str:
        """The conversation id the server issued to this widget."""
        return self.driver.execute_script(
            "return (JSON.parse(localStorage.getItem('tldvc:session')) || {}).session_id"
        )

    def texts(self, who: str = "") -> List[str]:
        """Message texts as seen on screen (without the text only screen readers get)."""
        return self.driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0])).map(m => {"
            " const c = m.cloneNode(true);"
            " c.querySelectorAll('.tldvc-sr').forEach(n => n.remove());"
            " return c.textContent; })",
            f".tldvc-log .tldvc-msg{who}",
        )

    def bot_texts(self) -> List[str]:
        return self.texts(".tldvc-bot")

    def send(self, text: str) -> None:
        field = self.one(".tldvc-input")
        field.clear()
        field.send_keys(text)
        field.send_keys(Keys.ENTER)

    def answer_to(self, action, *expected: str) -> str:
        """Do `action`, then wait until the bot's new messages contain every `expected`."""
        before = len(self.bot_texts())

        def answered() -> bool:
            new = "\n".join(self.bot_texts()[before:])
            return bool(new) and all(e.lower() in new.lower() for e in expected)

        action()
        self.wait(
            answered,
            ANSWER_WAIT,
            f"no bot answer containing {expected}; got {self.bot_texts()[before:]}",
        )
        return "\n".join(self.bot_texts()[before:])

    def ask(self, text: str, *expected: str) -> str:
        return self.answer_to(lambda: self.send(text), *expected)

    def reply_button(self, title: str) -> WebElement:
        buttons = [b for b in self.css(".tldvc-log .tldvc-reply") if b.text == title]
        assert buttons, f"no button {title!r}"
        return buttons[-1]


@pytest.fixture
def widget(servers, driver) -> Widget:
    """The demo page with a new conversation, the widget opened and connected."""
    page = Widget(driver, servers.url)
    page.load(fresh=True)
    page.open()
    return page


def assert_no_alert(driver) -> None:
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.accept()


def test_demo_page_and_widget_files_are_served_with_safe_headers(servers):
    base = f"{servers.url}/webhooks/widget"
    assert requests.get(f"{base}/", timeout=10).json() == {"status": "ok"}

    demo = requests.get(f"{base}/demo", timeout=10)
    assert demo.status_code == 200
    assert demo.headers["Content-Type"].startswith("text/html")
    csp = demo.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert demo.headers["Cache-Control"] == "no-cache"
    assert demo.text.count("<script") == 1 and 'src="/webhooks/widget/widget.js"' in demo.text

    for name, kind in (("widget.js", "text/javascript"), ("widget.css", "text/css")):
        file = requests.get(f"{base}/{name}", headers={"Accept-Encoding": "gzip"}, timeout=10)
        assert file.status_code == 200
        assert file.headers["Content-Type"].startswith(kind)
        assert file.headers["Content-Encoding"] == "gzip"
        assert file.headers["X-Content-Type-Options"] == "nosniff"
        assert "max-age=" in file.headers["Cache-Control"]
        again = requests.get(
            f"{base}/{name}", headers={"If-None-Match": file.headers["ETag"]}, timeout=10
        )
        assert again.status_code == 304

    js = requests.get(f"{base}/widget.js", timeout=10).text
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "eval(" not in js


def test_fee_question_gets_the_answer_with_safe_links(widget):
    answer = widget.ask("dang ky thuong tru het bao nhieu tien", "20.000đ", "10.000đ")
    assert "Đăng ký thường trú" in answer
    assert widget.texts(".tldvc-user") == ["dang ky thuong tru het bao nhieu tien"]
    links = widget.css(".tldvc-log .tldvc-bot a")
    assert links, "the source URL in the answer is a link"
    for link in links:
        assert link.get_attribute("href").startswith(("https://", "http://"))
        assert link.get_attribute("target") == "_blank"
        assert link.get_attribute("rel") == "noopener noreferrer"
    assert widget.one(".tldvc-typing").get_attribute("hidden") is not None


def test_buttons_the_bot_offers_are_clickable_and_stay_usable(widget):
    widget.ask("xin chào", "Trợ lý Dịch vụ công")
    answer = widget.answer_to(
        lambda: widget.reply_button("Hồ sơ đăng ký khai sinh").click(), "giấy chứng sinh"
    )
    assert "khai sinh" in answer.lower()
    assert widget.texts(".tldvc-user")[-1] == "Hồ sơ đăng ký khai sinh"  # its title, not payload

    # the greeting's buttons still work after the conversation moved on
    older = widget.reply_button("Lệ phí làm hộ chiếu")
    assert older.is_enabled()
    assert "hộ chiếu" in widget.answer_to(older.click, "hộ chiếu").lower()


def test_two_questions_and_the_citizens_case_in_the_widget(widget):
    """A compound question is answered in one reply; the case button asks the one short
    question and its tap answers for a child."""
    answer = widget.ask("lam ho chieu can giay to gi va het bao nhieu tien", "TK01", "Lệ phí")
    assert "Hồ sơ" in answer
    for_a_child = widget.answer_to(
        lambda: widget.reply_button("Làm cho trẻ dưới 14 tuổi?").click(), "TK01a"
    )
    assert "người đại diện hợp pháp" in for_a_child


def test_reload_shows_the_history_and_keeps_the_conversation(widget):
    widget.ask("tôi muốn đăng ký thường trú", "thường trú")
    session, shown = widget.session_id, widget.texts()

    widget.load()  # a page reload: new WebSocket, same session id
    widget.wait(lambda: widget.texts() == shown, message="history not shown after reload")
    widget.open()
    assert widget.session_id == session
    assert widget.css(".tldvc-log .tldvc-reply"), "buttons come back with the history"

    # the server still knows which procedure this conversation is about
    assert "20.000đ" in widget.ask("lệ phí bao nhiêu?", "20.000đ")


# Keeps every WebSocket the page opens in window.__sockets, so a test can cut one.
RECORD_SOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = function (url, protocols) {
    const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    window.__sockets.push(socket);
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
})();
"""


def test_reconnects_by_itself_to_the_same_conversation(widget):
    driver = widget.driver
    script = driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_SOCKETS}
    )
    try:
        widget.load()
        widget.open()
        widget.ask("tôi muốn đăng ký thường trú", "thường trú")
        session = widget.session_id

        # the connection drops; the citizen asks before the widget is back
        driver.execute_script("window.__sockets[window.__sockets.length - 1].close()")
        assert "20.000đ" in widget.ask("lệ phí bao nhiêu?", "20.000đ")
        assert driver.execute_script("return window.__sockets.length") == 2
        assert widget.session_id == session
        widget.wait_connected()
    finally:
        driver.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]}
        )


def test_markup_from_the_citizen_and_from_the_bot_is_shown_as_text(widget, servers):
    driver = widget.driver
    for attack in (XSS_IMG, XSS_SCRIPT):
        widget.answer_to(lambda attack=attack: widget.send(attack))
    assert widget.texts(".tldvc-user") == [XSS_IMG, XSS_SCRIPT]

    # the bot's side: a bot message with markup, a javascript: link and a markup button,
    # sent by the real Rasa server to this conversation over socket.io
    text = f"Bot {XSS_IMG} {XSS_SCRIPT} {XSS_LINK} <b>đậm</b> https://example.org/a?b=1."
    event = {
        "event": "bot",
        "text": text,
        "data": {"buttons": [{"title": XSS_IMG, "payload": "/greet"}]},
    }
    sent = servers.api(
        "POST",
        f"/conversations/{widget.session_id}/tracker/events",
        params={"output_channel": "socketio", "execute_side_effects": "true"},
        data=json.dumps(event),
        headers={"Content-Type": "application/json"},
    )
    assert sent.status_code == 200, sent.text
    widget.wait(lambda: text in widget.bot_texts(), ANSWER_WAIT, "the bot's message not shown")
    assert widget.reply_button(XSS_IMG).text == XSS_IMG

    def assert_inert() -> None:
        assert (
            driver.execute_script("return document.querySelectorAll('img[src=\"x\"]').length") == 0
        )
        assert driver.execute_script("return window.__xss === undefined")
        log = widget.one(".tldvc-log")
        assert log.find_elements(By.CSS_SELECTOR, "img, script, b, iframe") == []
        hrefs = [a.get_attribute("href") for a in log.find_elements(By.TAG_NAME, "a")]
        assert "https://example.org/a?b=1" in hrefs, hrefs  # the full stop is not in the link
        # only http(s) links (the bot's own answers link to the portal); javascript: is text
        assert all(h.startswith("https://") for h in hrefs), hrefs
        assert_no_alert(driver)

    assert_inert()
    widget.load()  # the same messages, rendered again from the stored history
    widget.wait(lambda: text in widget.bot_texts(), message="history not shown after reload")
    assert XSS_IMG in widget.texts(".tldvc-user")
    assert_inert()


def test_ask_for_a_human(widget):
    button = widget.one(".tldvc-actions .tldvc-human")
    assert button.text == "Gặp nhân viên"
    assert "cán bộ" in widget.answer_to(button.click, "cán bộ")
    assert widget.texts(".tldvc-user") == ["Gặp nhân viên"]
    # paused for staff: a further message is kept for them, and the citizen is told so
    assert "ghi lại cho cán bộ" in widget.ask("hồ sơ của em đến đâu rồi", "ghi lại cho cán bộ")


def test_start_over_clears_the_history_and_starts_a_new_session(widget):
    widget.ask("xin chào", "Trợ lý Dịch vụ công")
    old_session = widget.session_id
    restart = widget.one(".tldvc-actions .tldvc-restart")
    assert restart.text == "Bắt đầu lại"
    restart.click()

    widget.wait(lambda: widget.texts() == [], message="history not cleared")
    assert widget.session_id != old_session
    stored = widget.driver.execute_script(
        "return localStorage.getItem('tldvc:history:' + arguments[0])", old_session
    )
    assert stored is None
    widget.load()
    assert widget.texts() == []
    widget.open()
    widget.ask("xin chào", "Trợ lý Dịch vụ công")  # the new session works


CONTRAST = """
function lum(c) {
  const v = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(x => x / 255)
    .map(x => x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4));
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
function bg(el) {
  for (; el; el = el.parentElement) {
    const c = getComputedStyle(el).backgroundColor;
    if (c && !/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return c;
  }
  return 'rgb(255, 255, 255)';
}
return Array.from(document.querySelectorAll(arguments[0])).map(el => {
  const a = lum(getComputedStyle(el).color), b = lum(bg(el));
  return [el.className, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
});
"""


def test_mobile_layout_keyboard_and_screen_reader_support(widget):
    driver = widget.driver
    widget.ask("xin chào", "Trợ lý Dịch vụ công")

    # 360 px: the open panel fills the screen and nothing scrolls sideways
    assert driver.execute_script("return window.innerWidth") <= WIDTH
    assert driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
        " && document.body.scrollWidth <= window.innerWidth"
    )
    panel = widget.one(".tldvc-panel")
    assert panel.size["width"] == driver.execute_script("return window.innerWidth")
    log = widget.one(".tldvc-log")
    assert driver.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth", log)

    # screen readers: a labelled dialog, a polite live log, labelled controls
    assert panel.get_attribute("role") == "dialog"
    title = widget.one("#" + panel.get_attribute("aria-labelledby")).text
    assert title == "Trợ lý Dịch vụ công"
    assert log.get_attribute("role") == "log"
    assert log.get_attribute("aria-live") == "polite"
    assert log.get_attribute("aria-label")
    assert widget.one(".tldvc-status").get_attribute("role") == "status"
    field = widget.one(".tldvc-input")
    label = widget.one(f"label[for='{field.get_attribute('id')}']")
    assert label.get_attribute("textContent") == "Nhập câu hỏi của anh/chị"
    assert widget.one(".tldvc-close").get_attribute("aria-label") == "Đóng cửa sổ trò chuyện"
    for button in widget.css(".tldvc-root button"):
        assert (button.get_attribute("aria-label") or button.get_attribute("textContent")).strip()
    group = widget.one(".tldvc-log .tldvc-replies")
    assert group.get_attribute("role") == "group" and group.get_attribute("aria-label")

    # WCAG 2.1 AA: text contrast at least 4.5:1
    ratios = driver.execute_script(
        CONTRAST,
        ".tldvc-msg, .tldvc-reply, .tldvc-action, .tldvc-title, .tldvc-status,"
        " .tldvc-send, .tldvc-intro, .tldvc-input, .tldvc-msg a",
    )
    low = [(name, round(ratio, 2)) for name, ratio in ratios if ratio < 4.5]
    assert ratios and not low, low

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOT))

    # keyboard: the input has focus after opening; Escape closes and returns to the launcher
    launcher = widget.one(".tldvc-launcher")
    field.send_keys(Keys.ESCAPE)
    widget.wait(lambda: not panel.is_displayed())
    assert launcher.get_attribute("aria-expanded") == "false"
    assert driver.switch_to.active_element == launcher
    launcher.send_keys(Keys.ENTER)
    widget.wait(lambda: panel.is_displayed())
    assert launcher.get_attribute("aria-expanded") == "true"
    assert driver.switch_to.active_element == field
    question = f"xin chào {uuid.uuid4().hex[:4]}"
    widget.answer_to(lambda: driver.switch_to.active_element.send_keys(question, Keys.ENTER))
    assert widget.texts(".tldvc-user")[-1] == question
