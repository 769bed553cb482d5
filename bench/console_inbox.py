"""Inbox query latency of the support-staff console on 100,000 conversations /
1,000,000 events (SQLite by default), p50 and p95 per filter.

Run with the console's venv (not the bot's):
    bash scripts/setup-console.sh
    nice -n 10 console/.venv/bin/python bench/console_inbox.py   # builds var/bench-console.db
    console/.venv/bin/python bench/console_inbox.py --conversations 20000 --db /tmp/b.db
The data is generated straight into the console's tables (the shape the ingest writes),
then each inbox query runs through the console's own code (conversations.inbox). It prints
numbers; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "console"))

CITIZEN = [
    "Đăng ký thường trú hết bao nhiêu tiền?",
    "dang ky tam tru can giay to gi",
    "làm hộ chiếu mất bao lâu",
    "lam ho chieu o dau",
    "cấp lại cccd bị mất thì làm sao",
    "đổi giấy phép lái xe online được không",
    "xin lý lịch tư pháp số 2 cho đi du học",
    "đăng ký khai sinh cho con cần mang gì",
    "dk ket hon voi nguoi nuoc ngoai",
    "tra cứu hồ sơ G22.99-260915-0012",
    "quên mật khẩu tài khoản dịch vụ công",
    "thanh toán lệ phí bị trừ tiền 2 lần",
    "định danh VNeID mức 2 ở đâu",
    "chứng thực bản sao hết bao nhiêu một trang",
    "cho tôi gặp cán bộ",
    "bot trả lời không đúng gì cả",
    "xin chào",
    "cảm ơn nhé",
    "thủ tục tách hộ khẩu cho con trai",
    "đăng ký kinh doanh hộ cá thể",
]
INTENTS = ["ask_fee", "ask_documents", "ask_processing_time", "ask_agency", "inform_procedure",
           "track_dossier", "report_account_problem", "greet", "thank", "nlu_fallback",
           "request_human", "ask_vneid"]  # fmt: skip
PROCEDURES = ["dang_ky_thuong_tru", "dang_ky_tam_tru", "cap_ho_chieu", "cap_lai_cccd",
              "doi_gplx", "ly_lich_tu_phap", "dang_ky_khai_sinh", "dang_ky_ket_hon"]  # fmt: skip
CHANNELS = ["socketio", "socketio", "zalo", "rest"]
ANSWER = (
    "Lệ phí đăng ký thường trú: 20.000đ (nộp trực tuyến 10.000đ). Căn cứ: Thông tư 75/2022/TT-BTC."
)
DAY = 86400


def setup_django(db: Path) -> None:
    os.environ["CONSOLE_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("CONSOLE_SECRET_KEY", "benchmark-only-key")
    os.environ["CONSOLE_ALLOWED_HOSTS"] = "testserver"  # the full-page rows use Django's client
    os.environ["DJANGO_SETTINGS_MODULE"] = "console.settings"
    import django

    django.setup()


def generate(db: Path, conversations: int, seed: int = 7) -> int:
    from django.core.management import call_command

    from bot.text import normalize

    call_command("migrate", "--noinput", "-v", "0")
    rng = random.Random(seed)
    norm = {t: normalize(t) for t in CITIZEN}
    now = time.time()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    event_id, rows_c, rows_e, rows_s, rows_r, rows_t = 0, [], [], [], [], []
    con.executemany("INSERT INTO review_tag (id, name) VALUES (?, ?)",
                    [(1, "cần cập nhật dữ liệu"), (2, "câu hỏi hay"), (3, "lỗi cổng")])  # fmt: skip

    def flush() -> None:
        con.executemany(
            "INSERT INTO conversations_conversation (id, sender_id, start_event_id, channel,"
            " started_at, last_activity, n_user, n_bot, n_fallback, min_confidence,"
            " handoff_requested, handoff_reason, paused, feedback, negative_feedback, procedure,"
            " first_user_text, last_user_text, session_started_seen, is_test, preserve)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?,0)",
            rows_c,
        )
        con.executemany(
            "INSERT INTO conversations_event (id, conversation_id, ts, type_name, kind, text,"
            " text_norm, intent, confidence, entities, name, value, input_channel)"
            " VALUES (?,?,?,?,?,?,?,?,?,NULL,?,?,?)",
            rows_e,
        )
        con.executemany(
            "INSERT INTO conversations_searchdocument (conversation_id, text) VALUES (?, ?)", rows_s
        )
        con.executemany(
            "INSERT INTO review_review (conversation_id, state, updated_at) VALUES (?,?,?)", rows_r
        )
        con.executemany(
            "INSERT INTO review_conversationtag (conversation_id, tag_id, added_at) VALUES (?,?,?)",
            rows_t,
        )
        con.commit()
        for rows in (rows_c, rows_e, rows_s, rows_r, rows_t):
            rows.clear()

    def iso(ts: float) -> str:
        return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(sep=" ")

    for pk in range(1, conversations + 1):
        ts = now - rng.random() * 180 * DAY
        channel = rng.choice(CHANNELS)
        start = event_id + 1
        turns = rng.choice((1, 2, 3))
        texts, confs, n_fallback, handoff, procedure = [], [], 0, False, ""
        for name in ("action_session_start", "session_started", "action_listen"):
            event_id += 1
            kind = "session" if name == "session_started" else "action"
            type_name, action = ("action", name) if kind == "action" else (name, "")
            rows_e.append(
                (event_id, pk, iso(ts), type_name, kind, "", "", "", None, action, None, "")
            )
        for _ in range(turns):
            text = rng.choice(CITIZEN)
            intent = rng.choice(INTENTS)
            conf = round(rng.uniform(0.15, 0.99), 3)
            n_fallback += intent == "nlu_fallback"
            handoff = handoff or intent == "request_human"
            texts.append(text)
            confs.append(conf)
            ts += rng.uniform(5, 90)
            for kind, values in (
                ("user", (text, norm[text], intent, conf, "", None, channel)),
                ("action", ("", "", "", None, f"action_answer_{intent}", None, "")),
                ("bot", (ANSWER, "", "", None, "", None, "")),
            ):
                event_id += 1
                rows_e.append((event_id, pk, iso(ts), kind, kind, *values))
        event_id += 1
        procedure = rng.choice(PROCEDURES)
        rows_e.append((event_id, pk, iso(ts), "slot", "slot", "", "", "", None, "procedure",
                       f'"{procedure}"', ""))  # fmt: skip
        feedback = rng.choices(["", "helpful", "unhelpful"], [8, 1, 1])[0]
        rows_c.append((pk, f"{channel}:{pk:08x}", start, channel, iso(ts - 200), iso(ts), turns,
                       turns, n_fallback, min(confs), handoff, "requested" if handoff else "",
                       handoff, feedback, feedback == "unhelpful", procedure, texts[0][:300],
                       texts[-1][:300], pk % 97 == 0))  # fmt: skip
        rows_s.append((pk, " ".join(norm[t] for t in texts)))
        if pk % 10 == 0:
            rows_r.append((pk, rng.choice(["reviewed", "later"]), iso(ts)))
        if pk % 20 == 0:
            rows_t.append((pk, rng.choice((1, 2, 3)), iso(ts)))
        if len(rows_c) >= 5000:
            flush()
            print(f"  {pk:,} conversations, {event_id:,} events", file=sys.stderr)
    flush()
    con.execute("ANALYZE")
    con.close()
    return event_id


def timed(run: Callable[[], object], repeat: int) -> List[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def scenarios() -> Dict[str, Callable[[], object]]:
    from conversations import inbox
    from django.utils import timezone as dj_tz

    def first_page(params: Dict[str, str]) -> Callable[[], object]:
        def run() -> object:
            _form, query = inbox.inbox(params)
            return inbox.page(query.select_related("review"))

        return run

    def deep_page() -> object:
        _form, query = inbox.inbox({})
        cursor = ""
        for _ in range(20):
            _rows, cursor = inbox.page(query, cursor or "")
        return cursor

    week_ago = (dj_tz.localdate() - timedelta(days=7)).isoformat()
    client = officer_client()

    def full_page(params: Dict[str, str]) -> Callable[[], object]:
        def run() -> object:
            response = client.get("/", params)
            assert response.status_code == 200, response.status_code
            return response

        return run

    return {
        "no filter, page 1": first_page({}),
        "20 pages deep (per page)": deep_page,
        "channel = zalo": first_page({"channel": "zalo"}),
        "intent = ask_vneid": first_page({"intent": "ask_vneid"}),
        "action = action_answer_track_dossier": first_page(
            {"action": "action_answer_track_dossier"}
        ),
        "confidence below threshold": first_page({"low_confidence": "on"}),
        "fallback happened": first_page({"fallback": "on"}),
        "handoff requested": first_page({"handoff": "on"}),
        "negative feedback": first_page({"negative_feedback": "on"}),
        "procedure = doi_gplx": first_page({"procedure": "doi_gplx"}),
        "tag = lỗi cổng": first_page({"tag": "lỗi cổng"}),
        "review = later": first_page({"review": "later"}),
        "review = new (not reviewed)": first_page({"review": "new"}),
        "last 7 days": first_page({"date_from": week_ago}),
        'text "dang ky" (common)': first_page({"q": "dang ky"}),
        'text "giấy phép lái xe"': first_page({"q": "giấy phép lái xe"}),
        'text "G22.99" (rare)': first_page({"q": "G22.99"}),
        "text, no match": first_page({"q": "khong co cau nao nhu the nay"}),
        'text "ho chieu" + zalo + 7 days': first_page(
            {"q": "ho chieu", "channel": "zalo", "date_from": week_ago}
        ),
        "intent + low confidence + later": first_page(
            {"intent": "ask_fee", "low_confidence": "on", "review": "later"}
        ),
        "whole HTML page: no filter": full_page({}),
        'whole HTML page: text "dang ky" + handoff': full_page({"q": "dang ky", "handoff": "on"}),
    }


def officer_client():
    """A signed-in officer, to time the inbox page as the browser gets it (HTML)."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user, created = User.objects.get_or_create(username="bench-officer")
    if created:
        user.groups.add(Group.objects.get(name="officer"))
    client = Client()
    client.force_login(user)
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=ROOT / "var" / "bench-console.db")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if args.rebuild and args.db.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    fresh = not args.db.exists()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    setup_django(args.db)
    if fresh:
        started = time.time()
        events = generate(args.db, args.conversations)
        print(f"generated {args.conversations:,} conversations / {events:,} events "
              f"in {time.time() - started:.0f} s → {args.db}")  # fmt: skip
    from conversations.models import Conversation, Event
    from django.db import connection

    print(f"{Conversation.objects.count():,} conversations, {Event.objects.count():,} events "
          f"({connection.vendor}, {connection.Database.sqlite_version})\n")  # fmt: skip
    print(f"{'inbox query':42} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, run in scenarios().items():
        run()  # warm the page cache once, as a running console has
        times = timed(run, args.repeat)
        if name.startswith("20 pages"):
            times = [t / 20 for t in times]
        p95 = statistics.quantiles(times, n=20, method="inclusive")[-1]
        print(f"{name:42} {statistics.median(times):8.1f} {p95:8.1f} {max(times):8.1f}")


if __name__ == "__main__":
    main()
