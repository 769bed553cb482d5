"""Several Rasa processes share conversations: messages of the same conversations,
sent to both processes at once and through nginx, are all stored once, each with its own
answer, and a turn is never interleaved with another (the Redis lock store serialises
them; PostgreSQL holds the one tracker)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Tuple

from tests.e2e.conversation_sets import letters
from tests.scale.conftest import all_running, say, tracker_events

QUESTIONS = [
    "dang ky thuong tru het bao nhieu tien",
    "lam ho chieu can giay to gi",
    "cap lai cccd mat bao lau",
    "nop ho so truc tuyen nhu the nao",
    "le phi cap ban sao trich luc khai sinh",
    "dang ky tam tru nop o dau",
    "xin chao",
    "cam on nhe",
]
CONVERSATIONS = 6
BURSTS = 4  # each: two messages of the conversation, one to each process, 0.2 s apart


def turns(events: List[dict]) -> List[Tuple[str, List[str]]]:
    """(what the citizen said, the bot's texts until the next message), in stored order."""
    found: List[Tuple[str, List[str]]] = []
    for event in events:
        if event["event"] == "user":
            found.append((event.get("text") or "", []))
        elif event["event"] == "bot" and found:
            found[-1][1].append(event.get("text") or "")
    return found


def test_tin_nhan_xen_ke_hai_tien_trinh_khong_mat_khong_lap_khong_sai_thu_tu(stack):
    targets = [stack.rasa_url(name) for name in stack.rasa_names] + [stack.url]
    senders = [f"scale-{letters(12)}" for _ in range(CONVERSATIONS)]
    sent: Dict[str, List[Tuple[str, List[str]]]] = {s: [] for s in senders}

    def conversation(index: int) -> None:
        sender = senders[index]
        with ThreadPoolExecutor(2) as pair:
            for burst in range(BURSTS):
                first = QUESTIONS[(index + 2 * burst) % len(QUESTIONS)]
                second = QUESTIONS[(index + 2 * burst + 1) % len(QUESTIONS)]
                # burst 0 and 2: process 1 then 2; burst 1: 2 then 1; burst 3: via nginx
                a, b = (targets[0], targets[1]) if burst % 2 == 0 else (targets[1], targets[0])
                if burst == BURSTS - 1:
                    a = b = targets[2]
                one = pair.submit(say, a, sender, first)
                time.sleep(0.2)
                two = pair.submit(say, b, sender, second)
                sent[sender] += [(first, one.result()), (second, two.result())]

    with ThreadPoolExecutor(CONVERSATIONS) as pool:
        list(pool.map(conversation, range(CONVERSATIONS)))

    for sender in senders:
        # read through the other process than the one that wrote last: one shared store
        stored = turns(tracker_events(stack, sender, "rasa-2"))
        said = [text for text, _ in sent[sender]]
        assert sorted(t for t, _ in stored) == sorted(said), "a message lost or stored twice"
        for text, answer in sent[sender]:
            assert answer and all(answer), f"no answer to {text!r}"
            # the answer the citizen got is the one stored right after that message
            assert (text, answer) in stored, f"{text!r}: answered {answer}, stored {stored}"
        # bursts follow each other: each burst's two messages before the next burst's
        positions = {text: i for i, (text, _) in enumerate(stored)}
        for burst in range(1, BURSTS):
            before = said[2 * burst - 2 : 2 * burst]
            after = said[2 * burst : 2 * burst + 2]
            assert max(positions[t] for t in before) < min(positions[t] for t in after)
        assert tracker_events(stack, sender, "rasa-1") == tracker_events(stack, sender, "rasa-2")
    all_running(stack)
