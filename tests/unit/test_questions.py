"""What a message asks: every question in it, and the procedure meant after a correction."""

import pytest

from bot.questions import (
    after_correction,
    asking_clause,
    asks_if_needed,
    questions_asked,
    starts_as_follow_up,
)


@pytest.mark.parametrize(
    "text, asked",
    [
        ("làm hộ chiếu cần giấy tờ gì và hết bao nhiêu tiền", ["documents", "fee"]),
        ("lam ho chieu can giay to gi va het bn tien", ["documents", "fee"]),
        ("Tách hộ nộp ở đâu và lệ phí bao nhiêu ạ?", ["agency", "fee"]),
        ("đk tạm trú onl được không, phí bao nhiêu", ["online", "fee"]),
        ("doi bang lai b2 can nhung gi, bao lau thi co bang moi", ["documents", "processing_time"]),
        ("Đăng ký thường trú cần những giấy tờ gì và bao lâu thì có kết quả?",
         ["documents", "processing_time"]),
        ("làm hộ chiếu cho cháu ở đâu ạ", ["agency"]),
        ("chứng thực bản sao 5 trang hết bn, làm ở đâu", ["fee", "agency"]),
        ("chế độ thai sản nộp hồ sơ cho ai và bao lâu thì nhận được tiền",
         ["agency", "processing_time"]),
        ("giám hộ cần giấy gì, lệ phí với thời gian thế nào",
         ["documents", "fee", "processing_time"]),
    ],
)  # fmt: skip
def test_moi_cau_hoi_trong_tin_nhan_theo_thu_tu_hoi(text, asked):
    assert questions_asked(text) == asked


@pytest.mark.parametrize("text", ["hộ chiếu", "cảm ơn nhiều", "tôi muốn làm khai sinh cho con"])
def test_tin_nhan_khong_hoi_gi_thi_khong_co_cau_hoi(text):
    assert questions_asked(text) == []


def test_sau_loi_dinh_chinh_la_phan_duoc_tinh():
    assert after_correction("cho hoi le phi dang ky thuong tru... a nham, tam tru a") == "tam tru a"
    assert after_correction("à nhầm, ý tôi là hộ chiếu") == "ho chieu"


def test_khong_dinh_chinh_hay_khong_con_gi_sau_thi_giu_ca_cau():
    assert after_correction("lệ phí tạm trú bao nhiêu") == "lệ phí tạm trú bao nhiêu"
    assert after_correction("ý tôi là") == "ý tôi là"


@pytest.mark.parametrize(
    "text",
    [
        "ấy quên, em đang học lớp 12, 17 tuổi rồi, thì có được giảm ko",
        "đầu năm sau mới làm thì giá có khác không",
        "làm hộ chiếu được miễn phí không",
    ],
)
def test_hoi_giam_mien_hay_gia_thay_doi_la_hoi_le_phi(text):
    assert questions_asked(text, interrogative_only=True) == ["fee"]


def test_gia_dinh_khong_phai_la_gia():
    assert questions_asked("gia đình em có được không", interrogative_only=True) == []


def test_thu_tuc_nao_duoc_hoi_nam_o_ve_co_tu_hoi():
    text = "e o Ha Noi, ny e thuong tru o Da Nang, gio dang ky ket hon thi lam o dau a"
    start, end = asking_clause(text)
    assert text[start:end].strip() == "gio dang ky ket hon thi lam o dau a"
    whole = "làm hộ chiếu cần mang cccd không"
    assert asking_clause(whole) == (0, len(whole))


def test_hoi_co_can_mot_giay_to_khong_la_hoi_ve_giay_to_cua_thu_tuc_dang_noi():
    text = "be co ma dinh danh roi thi co can ban sao giay khai sinh ko"
    assert asks_if_needed(text, "ban sao giay khai sinh")
    assert not asks_if_needed("làm hộ chiếu cần mang cccd không", "hộ chiếu")
    assert not asks_if_needed("cấp bản sao giấy khai sinh cần gì", "bản sao giấy khai sinh")


@pytest.mark.parametrize(
    "text", ["tiền làm hộ chiếu là bao nhiêu", "làm căn cước cần giấy tờ gì, tiền bao nhiêu"]
)
def test_tien_bao_nhieu_la_hoi_le_phi(text):
    assert "fee" in questions_asked(text)


@pytest.mark.parametrize(
    "text",
    [
        "Đầu tiên làm gì ạ",
        "làm online có tiện không",
        "giấy tờ giả có bị phạt không",
        "em về đầu tháng sau mới làm được",
        "thời gian làm việc của ủy ban",
    ],
)
def test_tu_trung_am_khong_phai_cau_hoi_thu_tuc(text):
    assert questions_asked(text, interrogative_only=True) == []


def test_co_can_nop_le_phi_khong_la_hoi_le_phi():
    assert questions_asked("có cần phải nộp lệ phí không", interrogative_only=True) == ["fee"]


def test_the_em_bi_mat_khong_phai_cau_hoi_tiep():
    assert not starts_as_follow_up("thẻ em bị mất, làm lại ở đâu")
    assert starts_as_follow_up("thế em nộp ở đâu ạ")


def test_hoi_co_phai_lam_thu_tuc_khac_khong_la_thu_tuc_khong_phai_giay_to():
    assert not asks_if_needed("thế em có phải đăng ký tạm trú không", "đăng ký tạm trú")


@pytest.mark.parametrize(
    "text, asked",
    [
        ("hộ chiếu của bé dùng được bao lâu", ["validity"]),
        ("the bhyt cua be xai den khi nao thi het", ["validity"]),
        ("ho chieu het han thi gia han dc ko hay phai lam lai", ["validity"]),
        ("căn cước mấy năm phải đổi", ["validity"]),
        # how long it lasts, then how long it takes
        ("giay xac nhan doc than co gia tri bao lau, xin mat bao lau",
         ["validity", "processing_time"]),
        # how long it takes, not how long it lasts
        ("làm hộ chiếu mất bao lâu", ["processing_time"]),
        ("thời hạn giải quyết bao lâu", ["processing_time"]),
        ("gia hạn tạm trú được không", []),
    ],
)  # fmt: skip
def test_hoi_ket_qua_dung_duoc_bao_lau_khac_hoi_lam_mat_bao_lau(text, asked):
    assert [q for q in questions_asked(text) if q in ("validity", "processing_time")] == asked


@pytest.mark.parametrize(
    "text, asked",
    [
        ("bà nội đi đăng ký khai sinh cho cháu có được không, có phải làm giấy ủy quyền không",
         True),
        ("anh ay di lam xa ko ve dc, em di dang ky 1 minh dc ko", True),
        ("nhờ người làm hộ được không", True),
        # «hộ» of hộ chiếu, hộ khẩu is not «on behalf»
        ("làm hộ chiếu được miễn phí không", False),
        ("lam ho khau cho con co duoc khong", False),
    ],
)  # fmt: skip
def test_hoi_ai_duoc_nop_thay_uy_quyen_hay_di_mot_minh(text, asked):
    assert ("who_may_file" in questions_asked(text, interrogative_only=True)) is asked


@pytest.mark.parametrize(
    "text, asked",
    [
        # a fee or a processing time, not how long it lasts, an amount or who may file
        ("xin giấy xác nhận tình trạng hôn nhân hết bao nhiêu tiền", ["fee"]),
        ("hợp pháp hoá lãnh sự hết bao nhiêu tiền", ["fee"]),
        ("làm hộ chiếu ở Đồng Nai hết bao nhiêu tiền", ["fee"]),
        ("rút bhxh 1 lần nhận tiền mất bao nhiêu ngày", ["processing_time"]),
        ("hộ chiếu dùng được bao lâu, làm hết bao nhiêu tiền", ["validity", "fee"]),
        ("giấy phép xây dựng bao lâu thì có", ["processing_time"]),
        ("dùng vneid thì bao lâu có kết quả", ["processing_time"]),
        ("chậm nhất bao lâu có kết quả", ["processing_time"]),
        ("xin hỗ trợ người cao tuổi được không", []),
        ("đăng ký họ mẹ cho con được không", []),
        ("ký họ tên có cần không", []),
        # whether one may get the allowance, not who may file
        ("tôi ở một mình, có được hưởng trợ cấp không", ["conditions"]),
    ],
)  # fmt: skip
def test_tu_dong_am_khong_doi_cau_hoi(text, asked):
    assert questions_asked(text, interrogative_only=True) == asked


@pytest.mark.parametrize(
    "text, asked",
    [
        ("nghỉ việc rồi muốn rút bhxh 1 lần có được không", True),
        ("vậy trường hợp nào thì mới được rút 1 lần", True),
        ("bhxh tự nguyện ai được tham gia", True),
        ("con em có được hưởng thai sản không", True),
        ("ai được miễn lệ phí", False),
        ("nộp online có được không", False),
    ],
)  # fmt: skip
def test_hoi_ai_duoc_huong_truong_hop_nao_duoc(text, asked):
    assert ("conditions" in questions_asked(text, interrogative_only=True)) is asked
