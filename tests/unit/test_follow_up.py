"""A citizen who names only another procedure means the question asked before."""

import pytest

from actions.procedures import follows_up


@pytest.mark.parametrize(
    "text",
    ["thế còn tạm trú thì sao", "the con can cuoc thi sao", "à nhầm, ý tôi là hộ chiếu",
     "còn khai sinh nữa", "tạm trú", "con ket hon thi the nao", "vậy còn trích lục"],
)  # fmt: skip
def test_cau_hoi_tiep_noi_chi_neu_thu_tuc(text):
    assert follows_up(text)


@pytest.mark.parametrize(
    "text",
    ["tôi muốn hỏi về thủ tục đăng ký kết hôn ở xã", "em cần làm hộ chiếu để đi du học Nhật"],
)
def test_mot_chu_de_moi_khong_phai_cau_tiep_noi(text):
    assert not follows_up(text)
