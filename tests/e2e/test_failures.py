"""When a part of the system is down, the citizen still gets a clear answer."""

import pytest

from tests.e2e.conftest import rest_conversation, texts
from tests.e2e.launcher import launch_bot


@pytest.fixture(scope="module")
def bot_without_action_server(tmp_path_factory, kb_url):
    with launch_bot(tmp_path_factory.mktemp("down"), kb_url) as bot:
        actions = bot.processes["actions"]
        actions.terminate()
        actions.wait(timeout=20)
        yield bot


def test_may_chu_hanh_dong_tat_van_tra_loi_lich_su(bot_without_action_server):
    say = rest_conversation(bot_without_action_server.url)
    reply = texts(say("dang ky thuong tru het bao nhieu tien"))
    assert "hệ thống đang gặp sự cố" in reply
    assert "gặp nhân viên" in reply
    # answers that need no action server still work in the same conversation
    assert "Trợ lý Dịch vụ công" in texts(say("xin chào"))


def test_co_so_du_lieu_tri_thuc_hong_thi_bao_ro(tmp_path_factory):
    broken = tmp_path_factory.mktemp("broken") / "not-a-database.db"
    broken.write_bytes(b"this is not sqlite")
    with launch_bot(tmp_path_factory.mktemp("nokb"), f"sqlite:///{broken}") as bot:
        reply = texts(rest_conversation(bot.url)("le phi dang ky thuong tru"))
    assert "gián đoạn" in reply
