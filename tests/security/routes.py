"""Print every route the bot's servers define, as JSON (run as a script, in its own process).

The Rasa app is built the way `bot.server` builds it, with the HTTP API on and every
channel of the given credentials file; the action server as `bot.action_server` builds
it. The attack-surface tests probe each of these routes through the public entry, so a
route a new Rasa or a new channel adds cannot be forgotten.
"""

from __future__ import annotations

import json
import sys

from sanic import Sanic


def sanic_routes(app: Sanic) -> list[dict]:
    return [
        {"path": "/" + route.path.lstrip("/"), "methods": sorted(route.methods)}
        for route in app.router.routes
    ]


def main() -> None:
    Sanic.test_mode = True  # several apps in one process
    from rasa.core.run import configure_app, create_http_input_channels

    from bot.action_server import create_app

    channels = create_http_input_channels(None, sys.argv[1])
    rasa = configure_app(channels, cors=None, enable_api=True, jwt_secret="x", jwt_method="HS256")
    print(json.dumps({"rasa": sanic_routes(rasa), "actions": sanic_routes(create_app(token="x"))}))


if __name__ == "__main__":
    main()
