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
    for name in ("endpoints.yml", "endpoints.production.yml"):
        store = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))["tracker_store"]
        assert store["type"] == "bot.tracker_store.MaskingSQLTrackerStore"
