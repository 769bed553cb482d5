"""The action server as Rasa talks to it."""

from sanic import Sanic

from bot.action_server import create_app


def test_ket_noi_moi_cua_rasa_duoc_cho_nhu_mot_yeu_cau(monkeypatch):
    """Rasa connects anew for every action call and, under load, writes the request
    seconds later: the connection must not be closed as idle before the request may."""
    monkeypatch.setattr(Sanic, "test_mode", True)
    app = create_app(token="x")
    assert app.config.KEEP_ALIVE_TIMEOUT >= app.config.REQUEST_TIMEOUT >= 60
