"""Benchmark: our bot against a bare `rasa init` assistant, under the same load, in one run.

Builds the bare assistant in a temporary directory with this venv's `rasa init` (which
trains its model), starts it with `rasa run --enable-api` on a free loopback port, starts
ours as `make run` does (`tests.e2e.launcher.launch_bot`: action server, Rasa server and
the public entry, with the knowledge base loaded into a temporary SQLite file) or uses
`--url`, and sends both the same conversations over REST (`/webhooks/rest/webhook`; ours
through the public entry). For each number of concurrent citizens it prints messages/s,
p50/p95/p99 latency, errors and the RSS of every server process, and the ratio ours/bare.

Each simulated citizen sends its next message as soon as it has the answer (no thinking
time: the figures are the servers' capacity), from its own loopback address (127.10.x.y),
as citizens come from their own addresses; so the public entry's per-address limit does
not apply, and the per-sender message limit is lifted for the bot we start
(MESSAGES_PER_MINUTE; a person cannot type 10 messages in two seconds, a simulation can).
An error is a refused or failed request, an empty answer from ours (ours always answers),
or our apology for a turn that failed ("hệ thống đang gặp sự cố") or a rate-limit answer.

`--profile` instead starts ours with both servers under cProfile, sends a fixed load and
prints where a turn's time goes by component (bench/profile_turn.py).

Usage: .venv/bin/python -m bench.throughput [--citizens 1,20,100] [--turns 10]
       [--url URL [--pid rasa=PID ...]] [--bare-dir DIR] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).with_name("rasa"))

# Twelve citizens' conversations: procedure questions with follow-ups, account help, fee
# questions with and without diacritics, abbreviations, a phone number (masked on storage).
CONVERSATIONS: List[List[str]] = [
    [
        "chào bạn",
        "tôi muốn đăng ký thường trú cho cả gia đình",
        "cần chuẩn bị giấy tờ gì",
        "lệ phí bao nhiêu",
        "nộp online có rẻ hơn không",
        "nộp ở đâu vậy",
        "bao lâu thì xong",
        "tóm tắt lại giúp mình những gì cần chuẩn bị",
        "cảm ơn nhé",
    ],
    [
        "lam ho chieu het bao nhieu tien",
        "can mang theo gi",
        "nop o dau",
        "bao lau thi co ho chieu",
        "lam onl dc ko",
        "nop truc tuyen tung buoc the nao",
        "thanh toan le phi onl kieu gi",
        "ok cam on ban",
    ],
    [
        "làm sao để có tài khoản trên cổng dịch vụ công",
        "đăng ký bằng VNeID như thế nào",
        "định danh mức 2 làm ở đâu",
        "báo thuê bao không khớp với nhà mạng là sao",
        "sđt của tôi 0912 345 678 mà không nhận được OTP",
        "quên mật khẩu thì làm sao",
        "cảm ơn",
    ],
    [
        "cap doi the can cuoc het bao nhieu tien vay",
        "bao lau thi co the moi",
        "nop o dau",
        "can giay to gi",
        "lam tren vneid dc ko",
        "cam on ad",
    ],
    [
        "xin lý lịch tư pháp thì nộp ở đâu ạ",
        "làm trên vneid được không",
        "phí bao nhiêu",
        "sinh viên có được giảm không",
        "mất mấy ngày",
        "cần mang theo gì",
        "cảm ơn nhiều",
    ],
    [
        "dk ket hon lam o dau",
        "co mat phi ko",
        "can giay to gi",
        "2 nguoi co phai di cung khong",
        "bao lau thi co giay chung nhan",
        "cam on",
    ],
    [
        "Cho tôi hỏi thủ tục đăng ký khai sinh cho con",
        "cần giấy tờ gì",
        "có mất phí không",
        "nộp trực tuyến được không",
        "làm từng bước thế nào",
        "bao lâu thì có giấy khai sinh",
        "cảm ơn bạn",
    ],
    [
        "toi muon dang ky tam tru",
        "nop online thi lam tung buoc the nao",
        "le phi bao nhieu",
        "nop truc tiep thi het bao nhieu",
        "thanh toan truc tuyen the nao",
        "mat bao lau",
        "cam on",
    ],
    [
        "tra cứu hồ sơ G22.99-260915-0012",
        "ho so ma G22.99-261345-0012 cua toi den dau roi",
        "làm sao để tra cứu tình trạng hồ sơ",
        "đăng ký thường trú nộp ở đâu",
        "lệ phí đăng ký thường trú bao nhiêu",
        "cảm ơn",
    ],
    [
        "doi bang lai xe het bao nhieu",
        "gplx doi onl dc ko",
        "can giay to gi",
        "bao lau thi co bang moi",
        "nop o dau",
        "ok thanks",
    ],
    [
        "xin chào",
        "cấp lại căn cước bị mất hết bao nhiêu tiền",
        "nộp online có rẻ hơn không",
        "cần chuẩn bị những gì",
        "làm ở đâu",
        "mất mấy ngày",
        "hướng dẫn thanh toán lệ phí trực tuyến",
        "cảm ơn, rất hữu ích",
    ],
    [
        "dang ky thuong tru can giay to gi",
        "le phi bao nhieu",
        "nop onl re hon ko",
        "bao lau",
        "lam ho chieu thi sao",
        "het bn tien",
        "cam on nhe",
    ],
]

# what ours answers when a turn failed or a citizen was rate-limited: counted as errors
FAILED_ANSWERS = ("hệ thống đang gặp sự cố", "gửi tin nhắn nhanh quá")


def letters(number: int, width: int = 4) -> str:
    """A number as lower-case letters ("aaab"): our REST channel refuses some sender ids
    (phone-number-like ones are pseudonymised), letters are always taken as they are."""
    out = []
    for _ in range(width):
        number, digit = divmod(number, 26)
        out.append(chr(ord("a") + digit))
    return "".join(reversed(out))


def citizen_address(index: int) -> str:
    return f"127.10.{index // 250}.{index % 250 + 1}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def messages_for(citizen: int, turns: int) -> List[str]:
    """A citizen's `turns` messages: one conversation, then the next if it is too short."""
    scripts = itertools.cycle(CONVERSATIONS[citizen % len(CONVERSATIONS) :] + CONVERSATIONS)
    out: List[str] = []
    while len(out) < turns:
        out += next(scripts)
    return out[:turns]


# ------------------------------------------------------------------------- processes


def process_tree(pid: int) -> List[int]:
    """A process and its descendants (Sanic or multiprocessing may start children)."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with suppress(OSError):
                todo += [int(child) for child in task.read_text().split()]
    return pids


def _status_kb(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, MB."""
    return sum(_status_kb(p, "VmRSS") for p in process_tree(pid)) / 1024


def peak_rss_mb(pid: int) -> float:
    return sum(_status_kb(p, "VmHWM") for p in process_tree(pid)) / 1024


def cpu_seconds(pid: int, descendants: bool = True) -> float:
    """User + system CPU time of a process (and its descendants) so far."""
    total = 0
    for p in process_tree(pid) if descendants else [pid]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat: all but idle and iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


@dataclass
class Target:
    """A bot under load: where citizens send messages and which processes to measure."""

    name: str
    url: str  # the REST webhook
    ours: bool
    pids: Dict[str, int] = field(default_factory=dict)


def bench_environment() -> Dict[str, str]:
    return {
        "HF_HUB_OFFLINE": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONHASHSEED": "0",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "RASA_TELEMETRY_ENABLED": "false",
        "LOG_LEVEL_LIBRARIES": "ERROR",
    }


def build_bare(directory: Path) -> None:
    """`rasa init --no-prompt` into `directory` (it trains the model), unless done before."""
    directory = directory.resolve()
    if list((directory / "models").glob("*.tar.gz")):
        return
    directory.mkdir(parents=True, exist_ok=True)
    print(f"bare: rasa init --no-prompt --init-dir {directory} (trains its model)", flush=True)
    started = time.monotonic()
    subprocess.run(
        [RASA, "init", "--no-prompt", "--init-dir", str(directory)],
        cwd=directory,
        env={**os.environ, **bench_environment()},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    print(f"bare: built in {time.monotonic() - started:.0f} s", flush=True)


@contextmanager
def run_bare(directory: Path) -> Iterator[Target]:
    """The bare assistant as `rasa run --enable-api` serves it, on a free loopback port
    (with its action server if `rasa init` made one use it; by default it does not)."""
    port = free_port()
    env = {**os.environ, **bench_environment()}
    log = directory / "rasa.log"
    processes: Dict[str, subprocess.Popen] = {}
    endpoints = (directory / "endpoints.yml").read_text(encoding="utf-8")
    uses_actions = any(line.startswith("action_endpoint:") for line in endpoints.splitlines())
    try:
        if uses_actions:
            processes["actions"] = subprocess.Popen(
                [RASA, "run", "actions"], cwd=directory, env=env,
                stdout=(directory / "actions.log").open("w"), stderr=subprocess.STDOUT,
            )  # fmt: skip
        processes["rasa"] = subprocess.Popen(
            [RASA, "run", "--enable-api", "--interface", "127.0.0.1", "--port", str(port)],
            cwd=directory, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        from tests.e2e.launcher import wait_until_up

        wait_until_up(f"{base}/webhooks/rest/", processes["rasa"], 240, log)
        yield Target("bare", f"{base}/webhooks/rest/webhook", False,
                     {name: p.pid for name, p in processes.items()})  # fmt: skip
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def our_model() -> str:
    if os.environ.get("TEST_MODEL"):
        return os.environ["TEST_MODEL"]
    result = subprocess.run(
        ["bash", "scripts/train.sh"], cwd=ROOT, check=True, capture_output=True, text=True
    )  # prints the model's path; trains only when the data or config changed
    return str(ROOT / result.stdout.strip().splitlines()[-1])


@contextmanager
def run_ours(work: Path, python_options: Optional[Dict[str, List[str]]] = None):
    """Ours as `make run` starts it (action server, Rasa, public entry), knowledge base
    loaded into `work`; yields the target and the launcher's RunningBot."""
    os.environ["TEST_MODEL"] = our_model()
    for name, value in bench_environment().items():
        os.environ.setdefault(name, value)
    from bot.db import session_scope
    from bot.knowledge import loader
    from tests.e2e.launcher import launch_bot

    kb_url = f"sqlite:///{work / 'knowledge.db'}"
    with session_scope(kb_url) as session:
        loader.write(session, loader.parse_sources(ROOT / "data" / "kb"))
    (work / "bot").mkdir(exist_ok=True)
    extra = {"MESSAGES_PER_MINUTE": "1000000"}  # see the module's docstring
    try:
        with launch_bot(
            work / "bot", kb_url, extra_env=extra, python_options=python_options
        ) as bot:
            pids = {name: process.pid for name, process in bot.processes.items()}
            yield Target("ours", f"{bot.url}/webhooks/rest/webhook", True, pids), bot
    finally:  # the servers' logs outlive the temporary directory
        logs = ROOT / "var" / "bench" / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        for log in (work / "bot").glob("*.log"):
            shutil.copy(log, logs / log.name)


# ------------------------------------------------------------------------------ load


@dataclass
class Level:
    """What one level of load measured on one target."""

    target: str
    citizens: int
    latencies: List[float] = field(default_factory=list)  # seconds, successful or not
    errors: int = 0
    error_kinds: Dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    rss: Dict[str, float] = field(default_factory=dict)
    cpu: Dict[str, float] = field(default_factory=dict)  # CPU seconds during the level
    others: float = 0.0  # CPU seconds of every other process on the machine meanwhile

    @property
    def messages(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile, ms."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


def failure(ours: bool, status: int, body: object) -> Optional[str]:
    """Why an answer counts as an error, or None."""
    if status != 200:
        return f"HTTP {status}"
    if not isinstance(body, list):
        return "not a list"
    if ours:
        if not body:
            return "no answer"
        texts = " ".join(str(m.get("text", "")) for m in body if isinstance(m, dict))
        for failed in FAILED_ANSWERS:
            if failed in texts:
                return f"«{failed}»"
    return None


async def converse(
    target: Target,
    level: Level,
    sender: str,
    messages: List[str],
    address: str,
    think: float,
    timeout: float,
) -> None:
    connector = aiohttp.TCPConnector(local_addr=(address, 0), limit=1)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)
    ) as session:
        for text in messages:
            started = time.perf_counter()
            try:
                async with session.post(target.url, json={"sender": sender, "message": text}) as r:
                    body = await r.json(content_type=None)
                    kind = failure(target.ours, r.status, body)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                kind = type(error).__name__
            level.latencies.append(time.perf_counter() - started)
            if kind:
                level.error(kind)
            if think:
                await asyncio.sleep(think)


async def _run_level(
    target: Target, citizens: int, turns: int, conversations: int, tag: str, think: float
) -> Level:
    level = Level(target.name, citizens)

    async def citizen(index: int) -> None:
        for round_ in range(conversations):
            sender = f"bench{tag}{letters(citizens, 3)}{letters(index)}{letters(round_, 2)}"
            await converse(
                target, level, sender, messages_for(index + round_, turns),
                citizen_address(index), think, timeout=60,
            )  # fmt: skip

    before = {name: cpu_seconds(pid) for name, pid in target.pids.items()}
    busy, own = machine_busy_seconds(), cpu_seconds(os.getpid(), descendants=False)
    started = time.perf_counter()
    await asyncio.gather(*(citizen(i) for i in range(citizens)))
    level.seconds = time.perf_counter() - started
    level.cpu = {name: cpu_seconds(pid) - before[name] for name, pid in target.pids.items()}
    level.cpu["load generator"] = cpu_seconds(os.getpid(), descendants=False) - own
    level.others = machine_busy_seconds() - busy - sum(level.cpu.values())
    level.rss = {name: rss_mb(pid) for name, pid in target.pids.items()}
    return level


def run_level(target: Target, citizens: int, turns: int, conversations: int, tag: str,
              think: float = 0.0) -> Level:  # fmt: skip
    return asyncio.run(_run_level(target, citizens, turns, conversations, tag, think))


def warm_up(target: Target, tag: str) -> None:
    """One conversation, not measured: the first turns build caches and TF graphs."""
    run_level(target, 1, len(CONVERSATIONS[0]), 1, tag + "w")


# ----------------------------------------------------------------------------- table

PROCESS_ORDER = ("rasa", "actions", "gateway", "load generator")


def _rss_text(level: Level) -> str:
    parts = [f"{name} {mb:.0f}" for name, mb in level.rss.items()]
    return ", ".join(parts) or "n/a"


def print_table(levels: List[Level], turns: int) -> None:
    header = (
        f"{'bot':<10} {'citizens':>8} {'messages':>8} {'msg/s':>7} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7} {'errors':>6}  RSS MB (process)"
    )
    print(f"\n{turns} turns per conversation; latency = one REST request, answer included")
    print(header)
    print("-" * len(header))
    by_citizens: Dict[int, Dict[str, Level]] = {}
    for level in levels:
        by_citizens.setdefault(level.citizens, {})[level.target] = level
    for citizens, pair in by_citizens.items():
        for level in pair.values():
            print(
                f"{level.target:<10} {citizens:>8} {level.messages:>8} {level.rate:>7.1f} "
                f"{level.percentile(0.50):>7.0f} {level.percentile(0.95):>7.0f} "
                f"{level.percentile(0.99):>7.0f} {level.errors:>6}  {_rss_text(level)}"
            )
        if "ours" in pair and "bare" in pair:
            ours, bare = pair["ours"], pair["bare"]
            ratio = lambda a, b: f"{a / b:.2f}" if b else "n/a"  # noqa: E731
            rss_ours, rss_bare = sum(ours.rss.values()), sum(bare.rss.values())
            print(
                f"{'ours/bare':<10} {citizens:>8} {'':>8} "
                f"{ratio(ours.rate, bare.rate):>7} "
                f"{ratio(ours.percentile(0.50), bare.percentile(0.50)):>7} "
                f"{ratio(ours.percentile(0.95), bare.percentile(0.95)):>7} "
                f"{ratio(ours.percentile(0.99), bare.percentile(0.99)):>7} {'':>6}  "
                f"all processes {ratio(rss_ours, rss_bare)} "
                f"({rss_ours:.0f} / {rss_bare:.0f} MB)"
            )
    cores = os.cpu_count() or 1
    print(f"\nCPU per message, ms (user + system); other processes on this {cores}-core machine:")
    for level in levels:
        if level.cpu and level.messages:
            parts = ", ".join(
                f"{name} {level.cpu[name] / level.messages * 1000:.1f}"
                for name in PROCESS_ORDER
                if name in level.cpu
            )
            others = level.others / level.seconds if level.seconds else 0.0
            print(
                f"  {level.target:<5} {level.citizens:>4} citizens: {parts}; "
                f"others {others:.2f} cores busy"
            )
    kinds = [(level, level.error_kinds) for level in levels if level.error_kinds]
    for level, errors in kinds:
        print(f"  errors, {level.target} at {level.citizens}: {errors}")


# ------------------------------------------------------------------------------ main


def parse_pids(values: List[str]) -> Dict[str, int]:
    pids = {}
    for value in values:
        name, _, pid = value.partition("=")
        pids[name] = int(pid)
    return pids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--citizens", default="1,20,100", help="concurrency levels, e.g. 1,20,100")
    parser.add_argument("--turns", type=int, default=10, help="messages per conversation")
    parser.add_argument(
        "--min-messages", type=int, default=60,
        help="a level repeats its conversations until it has sent at least this many",
    )  # fmt: skip
    parser.add_argument("--url", help="ours, already running: its public entry's URL")
    parser.add_argument(
        "--pid", action="append", default=[],
        help="with --url: a process to measure, e.g. rasa=1234 (repeatable)",
    )  # fmt: skip
    parser.add_argument("--bare-dir", type=Path, help="build (or reuse) the bare assistant here")
    parser.add_argument("--no-bare", action="store_true", help="measure ours only")
    parser.add_argument(
        "--profile", action="store_true",
        help="profile ours under a fixed load instead (bench/profile_turn.py)",
    )  # fmt: skip
    args = parser.parse_args()
    levels = [int(n) for n in args.citizens.split(",") if n.strip()]
    if args.profile:
        from bench import profile_turn

        profile_turn.run(citizens=levels[min(1, len(levels) - 1)], turns=args.turns)
        return
    tag = letters(int(time.time()) % 26**3, 3)
    results: List[Level] = []
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        targets: List[Target] = []
        if args.url:
            url = args.url.rstrip("/") + "/webhooks/rest/webhook"
            targets.append(Target("ours", url, True, parse_pids(args.pid)))
        else:
            print("ours: starting the action server, Rasa and the public entry", flush=True)
            targets.append(stack.enter_context(run_ours(tmp))[0])
        if not args.no_bare:
            bare_dir = (args.bare_dir or tmp / "bare").resolve()
            build_bare(bare_dir)
            print("bare: starting rasa run --enable-api", flush=True)
            targets.append(stack.enter_context(run_bare(bare_dir)))
        for target in targets:
            warm_up(target, tag)
        for citizens in levels:
            conversations = max(1, math.ceil(args.min_messages / (citizens * args.turns)))
            for target in targets:
                print(f"{target.name}: {citizens} citizens ...", flush=True)
                results.append(run_level(target, citizens, args.turns, conversations, tag))
        if args.bare_dir is None and not args.no_bare:
            shutil.rmtree(tmp / "bare", ignore_errors=True)
    print_table(results, args.turns)


if __name__ == "__main__":
    main()
