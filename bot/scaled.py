"""The scaled layout on one host: `python -m bot.scaled --model M [--rasa 2] [--actions 2]`.

Starts, on the loopback, throwaway instances of Debian's PostgreSQL (conversations, Zalo
tokens) and Redis (Rasa's lock store, socket.io between processes), several action
servers, several Rasa servers with `endpoints.scaled.yml`, and nginx as the one public
entry (deploy/nginx.conf.template: the channels only, as bot/gateway.py). Ctrl-C stops
everything; the servers' data lives in a fresh directory and goes with them.
`scripts/run-scaled.sh` installs the packages, loads the knowledge base and trains first.
The tests (tests/scale) start the same layout through `ScaledStack`.

Only the environment differs from `make run`: the code is the same.
"""

from __future__ import annotations

import argparse
import glob
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run scripts/setup-scaled.sh")
    return found[-1]


def _binary(name: str, where: str) -> str:
    path = shutil.which(name) or (where if Path(where).exists() else None)
    if path is None:
        raise RuntimeError(f"{name} is not installed: run scripts/setup-scaled.sh")
    return path


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _http_ok(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except Exception:
        return False


@dataclass(repr=False)
class Service:
    name: str
    command: List[str]
    env: Dict[str, str]
    log: Path
    health: str = ""  # a URL answering 200 once the service is up
    port: int = 0  # or a port that accepts connections
    process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def up(self) -> bool:
        if self.health:
            return _http_ok(self.health)
        return _listening(self.port)

    def wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.tail()}")
            if self.up():
                return
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} not up after {seconds:.0f}s:\n{self.tail()}")

    def tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]

    def stop(self, timeout: float = 20) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def signal(self, number: int) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(number)


@dataclass(repr=False)
class ScaledStack:
    """PostgreSQL, Redis, action servers, Rasa servers and nginx, started and stopped
    together; each can also be stopped and started alone (the fault tests do)."""

    model: str
    work: Path
    rasa_count: int = 2
    action_count: int = 2
    credentials: Path = ROOT / "credentials.yml"
    extra_env: Dict[str, str] = field(default_factory=dict)
    public_host: str = "127.0.0.1"
    public_port: int = 0
    services: Dict[str, Service] = field(default_factory=dict)
    env: Dict[str, str] = field(default_factory=dict)
    _postgres_home: Optional[Path] = None

    def __repr__(self) -> str:  # never the environment: it holds the secrets
        return f"ScaledStack({self.url}, {', '.join(self.services)})"

    # ---------------------------------------------------------------- addresses

    @property
    def url(self) -> str:
        """The public entry (nginx): the channels only."""
        return f"http://127.0.0.1:{self.public_port}"

    @property
    def rasa_names(self) -> List[str]:
        return [f"rasa-{i}" for i in range(1, self.rasa_count + 1)]

    @property
    def action_names(self) -> List[str]:
        return [f"actions-{i}" for i in range(1, self.action_count + 1)]

    def rasa_url(self, name: str) -> str:
        """A Rasa process itself, on the loopback (channels and, with a JWT, the API)."""
        return f"http://127.0.0.1:{self.services[name].port}"

    # ---------------------------------------------------------------- start, stop

    def start(self) -> ScaledStack:
        self.work.mkdir(parents=True, exist_ok=True)
        self.public_port = self.public_port or free_port()
        pg_port, redis_port, actions_port = free_port(), free_port(), free_port()
        db_password, redis_password = secrets.token_hex(16), secrets.token_hex(16)
        origins = f"http://127.0.0.1:{self.public_port},http://localhost:{self.public_port}"
        self.env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "PUBLIC_PORT": str(self.public_port),
            "PORTAL_ORIGINS": os.environ.get("PORTAL_ORIGINS") or origins,
            "ACTION_SERVER_URL": f"http://127.0.0.1:{actions_port}/webhook",
            "TRACKER_DB_HOST": "127.0.0.1",
            "TRACKER_DB_PORT": str(pg_port),
            "TRACKER_DB_NAME": "tracker",
            "TRACKER_DB_USER": "bot",
            "TRACKER_DB_PASSWORD": db_password,
            "TRACKER_DB_SSLMODE": "disable",  # loopback only
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(redis_port),
            "REDIS_PASSWORD": redis_password,
            "SOCKETIO_REDIS_URL": f"redis://:{redis_password}@127.0.0.1:{redis_port}/2",
            "CHANNELS_DATABASE_URL": (
                f"postgresql://bot:{db_password}@127.0.0.1:{pg_port}/channels?sslmode=disable"
            ),
        }
        for name in ("RASA_JWT_SECRET", "ACTION_SERVER_TOKEN", "BOT_SECRET_KEY"):
            self.env[name] = self.env.get(name) or secrets.token_hex(32)
        self.env.update(self.extra_env)
        try:
            self._start_postgres(pg_port, db_password)
            self._add_redis(redis_port, redis_password)
            for name in self.action_names:
                self._add_action_server(name)
            for name in self.rasa_names:
                self._add_rasa(name)
            self._add_nginx(actions_port)
            for name in ["redis", *self.action_names]:
                self.services[name].start()
            for name in ["redis", *self.action_names]:
                self.services[name].wait(120)
            # the first Rasa creates the tables; the others start once they exist
            first, *others = self.rasa_names
            self.services[first].start()
            self._wait_for_tables(self.services[first], 240)
            for name in others:
                self.services[name].start()
            for name in self.rasa_names:
                self.services[name].wait(300)
            self.services["nginx"].start()
            self.services["nginx"].wait(30)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        order = [n for n in ["nginx", *self.rasa_names, *self.action_names, "redis"]
                 if n in self.services]  # fmt: skip
        for name in order:  # all at once: each takes seconds to finish
            self.services[name].signal(signal.SIGTERM)
        for name in order:
            self.services[name].stop()
        self.stop_postgres()
        if self._postgres_home is not None:
            shutil.rmtree(self._postgres_home, ignore_errors=True)

    def __enter__(self) -> ScaledStack:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def restart(self, name: str, seconds: float = 300) -> None:
        """Stop a service (as a crash would: SIGKILL) and start it again."""
        service = self.services[name]
        if service.process is not None and service.process.poll() is None:
            service.process.kill()
            service.process.wait()
        service.start()
        service.wait(seconds)

    # ---------------------------------------------------------------- PostgreSQL

    def _as_postgres(self) -> List[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _start_postgres(self, port: int, password: str) -> None:
        # its own directory: PostgreSQL runs as `postgres` when we are root
        home = Path(tempfile.mkdtemp(prefix="scaled-postgres-"))
        self._postgres_home = home
        if os.geteuid() == 0:
            shutil.chown(home, "postgres", "postgres")
        (home / "pw").write_text(password + "\n", encoding="utf-8")
        if os.geteuid() == 0:
            shutil.chown(home / "pw", "postgres", "postgres")
        subprocess.run(
            [*self._as_postgres(), _postgres_binary("initdb"), "-D", str(home / "data"),
             "-A", "scram-sha-256", "-U", "bot", "--pwfile", str(home / "pw"),
             "-E", "UTF8", "--no-locale"],
            check=True, capture_output=True,
        )  # fmt: skip
        (home / "pw").unlink()
        self._pg = {"home": home, "port": port, "password": password}
        self.start_postgres()
        for database in ("tracker", "channels"):
            subprocess.run(
                [_postgres_binary("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "bot",
                 database],
                check=True, capture_output=True, env={**os.environ, "PGPASSWORD": password},
            )  # fmt: skip

    def start_postgres(self) -> None:
        home, port = self._pg["home"], self._pg["port"]
        subprocess.run(
            [*self._as_postgres(), _postgres_binary("pg_ctl"), "-D", str(home / "data"),
             "-l", str(home / "server.log"), "-w", "-t", "60",
             "-o", f"-p {port} -k {home} -c listen_addresses=127.0.0.1", "start"],
            check=True, capture_output=True,
        )  # fmt: skip

    def stop_postgres(self) -> None:
        if self._postgres_home is None or not (self._postgres_home / "data").exists():
            return
        subprocess.run(
            [*self._as_postgres(), _postgres_binary("pg_ctl"), "-D",
             str(self._postgres_home / "data"), "-m", "fast", "-w", "stop"],
            capture_output=True,
        )  # fmt: skip

    def _wait_for_tables(self, first: Service, seconds: float) -> None:
        import psycopg2

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if first.process is not None and first.process.poll() is not None:
                raise RuntimeError(f"{first.name} exited early:\n{first.tail()}")
            try:
                with psycopg2.connect(
                    host="127.0.0.1", port=self._pg["port"], user="bot",
                    password=self._pg["password"], dbname="tracker", sslmode="disable",
                ) as connection, connection.cursor() as cursor:  # fmt: skip
                    cursor.execute("SELECT to_regclass('public.events')")
                    if cursor.fetchone()[0] is not None:
                        return
            except psycopg2.Error:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"no tracker tables after {seconds:.0f}s:\n{first.tail()}")

    # ---------------------------------------------------------------- the others

    def _add_redis(self, port: int, password: str) -> None:
        command = [
            _binary("redis-server", "/usr/bin/redis-server"),
            "--bind", "127.0.0.1", "--port", str(port), "--requirepass", password,
            "--save", "", "--appendonly", "no", "--dir", str(self.work),
        ]  # fmt: skip
        self.services["redis"] = Service(
            "redis", command, self.env, self.work / "redis.log", port=port
        )

    def _add_action_server(self, name: str) -> None:
        port = free_port()
        env = {**self.env, "ACTIONS_PORT": str(port)}
        self.services[name] = Service(
            name, [PYTHON, "-m", "bot.action_server"], env, self.work / f"{name}.log",
            health=f"http://127.0.0.1:{port}/health", port=port,
        )  # fmt: skip

    def _add_rasa(self, name: str) -> None:
        port = free_port()
        env = {**self.env, "RASA_PORT": str(port)}
        command = [PYTHON, "-m", "bot.server", "--model", self.model,
                   "--endpoints", str(ROOT / "endpoints.scaled.yml"),
                   "--credentials", str(self.credentials)]  # fmt: skip
        self.services[name] = Service(
            name, command, env, self.work / f"{name}.log",
            health=f"http://127.0.0.1:{port}/webhooks/rest/", port=port,
        )  # fmt: skip

    def _add_nginx(self, actions_port: int) -> None:
        from bot.settings import settings

        (self.work / "nginx-tmp").mkdir(exist_ok=True)
        servers = "\n".join(
            f"        server 127.0.0.1:{self.services[n].port} max_fails=1 fail_timeout=3s;"
            for n in self.rasa_names
        )
        actions = "\n".join(
            f"        server 127.0.0.1:{self.services[n].port} max_fails=1 fail_timeout=3s;"
            for n in self.action_names
        )
        template = (ROOT / "deploy" / "nginx.conf.template").read_text(encoding="utf-8")
        config = string.Template(template).substitute(
            work=self.work,
            user_line="user root;" if os.geteuid() == 0 else "",
            rasa_servers=servers,
            action_servers=actions,
            public_host=self.public_host,
            public_port=self.public_port,
            actions_port=actions_port,
            max_body=settings.max_body_bytes,
            max_action_body=settings.max_action_body_bytes,
        )
        path = self.work / "nginx.conf"
        path.write_text(config, encoding="utf-8")
        nginx = _binary("nginx", "/usr/sbin/nginx")
        command = [nginx, "-e", str(self.work / "nginx-error.log"), "-c", str(path),
                   "-g", "daemon off;"]  # fmt: skip
        self.services["nginx"] = Service(
            "nginx", command, self.env, self.work / "nginx.log",
            health=f"{self.url}/webhooks/rest/", port=self.public_port,
        )  # fmt: skip


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="Trợ lý Dịch vụ công: the scaled layout")
    parser.add_argument("--model", required=True)
    parser.add_argument("--rasa", type=int, default=int(os.environ.get("SCALE", "2")))
    parser.add_argument("--actions", type=int, default=int(os.environ.get("SCALE", "2")))
    parser.add_argument("--credentials", default=str(ROOT / "credentials.yml"))
    parser.add_argument("--host", default=os.environ.get("PUBLIC_HOST", "0.0.0.0"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PUBLIC_PORT", "5005")))
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="scaled-", dir=ROOT / "var"))
    stack = ScaledStack(
        model=args.model, work=work, rasa_count=args.rasa, action_count=args.actions,
        credentials=Path(args.credentials), public_host=args.host, public_port=args.port,
    )  # fmt: skip
    print(f"scaled: starting PostgreSQL, Redis, {args.actions} action servers, "
          f"{args.rasa} Rasa servers and nginx (logs in {work})", flush=True)  # fmt: skip
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        stack.start()
        print(f"\n  Scaled layout running. Public entry (channels only): {stack.url}")
        for name in stack.rasa_names:
            print(f"  {name}: {stack.rasa_url(name)} (loopback)")
        print("  Stop: Ctrl-C\n", flush=True)
        while True:
            time.sleep(2)
            for name, service in stack.services.items():
                if service.process is not None and service.process.poll() is not None:
                    raise RuntimeError(f"{name} stopped:\n{service.tail()}")
    except KeyboardInterrupt:
        print("\nscaled: stopping", flush=True)
    finally:
        stack.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
