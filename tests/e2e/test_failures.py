"""When a part of the system is down, slow or locked, the citizen still gets a clear
answer, and the conversation goes on once the part is back (the layout of `make run`;
the scaled layout's faults are in tests/scale/test_faults.py)."""

import signal
import sqlite3
import subprocess
import time

import pytest
import requests

from tests.e2e.conftest import rest_conversation, texts
from tests.e2e.launcher import PYTHON, ROOT, launch_bot

APOLOGY = "hệ thống đang gặp sự cố"
FEE_QUESTION = "dang ky thuong tru het bao nhieu tien"
FEE_ANSWER = "20.000đ"


@pytest.fixture(scope="module")
def bot(tmp_path_factory, kb_url):
    with launch_bot(tmp_path_factory.mktemp("faults"), kb_url) as bot:
        yield bot


def timed(say, text):
    started = time.monotonic()
    reply = texts(say(text))
    return reply, time.monotonic() - started


def test_may_chu_hanh_dong_cham_thi_xin_loi_trong_5_giay_roi_tiep_tuc(bot):
    say = rest_conversation(bot.url)
    assert FEE_ANSWER in texts(say(FEE_QUESTION))
    actions = bot.processes["actions"]
    actions.send_signal(signal.SIGSTOP)  # it accepts connections and never answers
    try:
        reply, seconds = timed(say, "lam ho chieu het bao nhieu tien")
        assert APOLOGY in reply and "gặp nhân viên" in reply
        assert seconds < 5, seconds
    finally:
        actions.send_signal(signal.SIGCONT)
    # the same conversation goes on
    assert FEE_ANSWER in texts(say(FEE_QUESTION))


def test_co_so_du_lieu_hoi_thoai_bi_khoa_thi_bao_ro_roi_tiep_tuc(bot):
    """SQLite locked by another writer (a backup, a console job): a clear answer, and
    answers again once the lock is gone. Rasa's SQL store waits up to 5 seconds for the
    lock, twice (the turn, then the check for a paused conversation)."""
    say = rest_conversation(bot.url)
    assert FEE_ANSWER in texts(say(FEE_QUESTION))
    holder = sqlite3.connect(bot.work / "tracker.db", isolation_level=None, timeout=30)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        reply, seconds = timed(say, "lam ho chieu het bao nhieu tien")
        assert APOLOGY in reply
        assert seconds < 15, seconds
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert bot.processes["rasa"].poll() is None
    assert FEE_ANSWER in texts(say(FEE_QUESTION))


def test_may_chu_hanh_dong_tat_van_tra_loi_lich_su_roi_tiep_tuc(bot):
    say = rest_conversation(bot.url)
    actions = bot.processes["actions"]
    actions.terminate()
    actions.wait(timeout=20)
    reply, seconds = timed(say, FEE_QUESTION)
    assert APOLOGY in reply
    assert "gặp nhân viên" in reply
    assert seconds < 5, seconds
    # answers that need no action server still work in the same conversation
    assert "Trợ lý Dịch vụ công" in texts(say("xin chào"))
    # the action server comes back: the same conversation is answered again
    bot.processes["actions"] = subprocess.Popen(
        [PYTHON, "-m", "bot.action_server"], cwd=ROOT, env=bot.env,
        stdout=bot.logs["actions"].open("a"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{bot.actions_url}/health", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.5)
    assert FEE_ANSWER in texts(say(FEE_QUESTION))


def test_co_so_du_lieu_tri_thuc_hong_thi_bao_ro(tmp_path_factory):
    broken = tmp_path_factory.mktemp("broken") / "not-a-database.db"
    broken.write_bytes(b"this is not sqlite")
    with launch_bot(tmp_path_factory.mktemp("nokb"), f"sqlite:///{broken}") as bot:
        reply = texts(rest_conversation(bot.url)("le phi dang ky thuong tru"))
    assert "gián đoạn" in reply
