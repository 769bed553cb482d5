"""Configuration files agree with each other, so switching is configuration, not code."""

import yaml

from tests.conftest import ROOT


def _channels(name):
    return set(yaml.safe_load((ROOT / name).read_text(encoding="utf-8")))


def test_cau_hinh_zalo_la_cau_hinh_chung_them_zalo():
    assert _channels("credentials.zalo.yml") == _channels("credentials.yml") | {
        "bot.channels.zalo.ZaloInput"
    }


def test_moi_truong_san_xuat_dung_cung_kho_hoi_thoai_co_che_du_lieu():
    for name in ("endpoints.yml", "endpoints.production.yml", "endpoints.scaled.yml"):
        store = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))["tracker_store"]
        assert store["type"] == "bot.tracker_store.MaskingSQLTrackerStore"


def test_bien_moi_truong_trong_endpoints_duoc_thay_gia_tri(monkeypatch):
    """Rasa expands ${VAR} only in unquoted values: a quoted one would stay literal and
    the action server would never get its token."""
    from rasa.core.utils import AvailableEndpoints

    for name, value in {"ACTIONS_PORT": "5055", "ACTION_SERVER_TOKEN": "t0k3n",
                        "ACTION_SERVER_URL": "http://10.0.0.5:5055/webhook",
                        "TRACKER_DB_HOST": "db", "TRACKER_DB_PORT": "5432",
                        "TRACKER_DB_NAME": "rasa", "TRACKER_DB_USER": "rasa",
                        "TRACKER_DB_PASSWORD": "pw", "TRACKER_DB_SSLMODE": "verify-full",
                        "REDIS_HOST": "redis", "REDIS_PORT": "6379",
                        "REDIS_PASSWORD": "rpw"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    laptop = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    assert laptop.action.url == "http://127.0.0.1:5055/webhook"
    assert laptop.action.headers == {"X-Action-Token": "t0k3n"}
    production = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.production.yml"))
    assert production.action.headers == {"X-Action-Token": "t0k3n"}
    assert production.tracker_store.kwargs["query"] == {"sslmode": "verify-full"}
    assert production.tracker_store.kwargs["password"] == "pw"
    assert production.lock_store.kwargs["password"] == "rpw"
    assert production.lock_store.kwargs["use_ssl"] is True
    scaled = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.scaled.yml"))
    assert scaled.action.url == "http://10.0.0.5:5055/webhook"
    assert scaled.action.headers == {"X-Action-Token": "t0k3n"}
    assert scaled.tracker_store.kwargs["password"] == "pw"
    assert scaled.lock_store.kwargs["password"] == "rpw"
    for endpoints in (production, scaled):  # several processes: the lock store made for it
        assert endpoints.lock_store.type == "bot.lock_store.SharedRedisLockStore"
