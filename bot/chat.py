"""Chat with the running bot in a terminal, as a citizen would over REST:
`python -m bot.chat` (`make shell`), while `make run` is running."""

from __future__ import annotations

import argparse
import json
import secrets
import urllib.error
import urllib.request
from typing import Optional

from bot.settings import settings


def say(url: str, sender: str, text: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as reply:
        return json.loads(reply.read().decode("utf-8"))


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="Chat with the running bot")
    parser.add_argument("--url", default=f"http://127.0.0.1:{settings.public_port}")
    args = parser.parse_args(argv)
    url = f"{args.url.rstrip('/')}/webhooks/rest/webhook"
    sender = "shell-" + secrets.token_hex(4)
    print(f"Trò chuyện với Trợ lý qua {url} (Ctrl-D để thoát)")
    while True:
        try:
            text = input("Anh/chị: ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        try:
            messages = say(url, sender, text)
        except (urllib.error.URLError, OSError) as error:
            print(f"(không kết nối được tới {args.url}: {error}; `make run` đang chạy chưa?)")
            continue
        for message in messages:
            print("Trợ lý:", message.get("text", ""))
            for button in message.get("buttons") or []:
                print(f"  [{button.get('title')}] -> {button.get('payload')}")


if __name__ == "__main__":
    main()
