"""The citizen's own case: documents and rules that differ (a child's passport, a late
birth registration, partners in two provinces, a minor's permanent residence)."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import procedures
from bot import answers
from bot.knowledge.dates import ages_in_days


@pytest.fixture(autouse=True)
def real_knowledge_base(monkeypatch, catalog, resolver):
    monkeypatch.setattr(procedures, "catalog", lambda: catalog)
    monkeypatch.setattr(procedures, "resolver", lambda: resolver)


def said(text: str, slots: dict | None = None, **entities: str) -> Tracker:
    found = [{"entity": k, "value": v} for k, v in entities.items()]
    return Tracker(
        "nguoi-dan", slots or {}, {"text": text, "entities": found}, [], False, None, {}, None
    )


def named(catalog, words: str):
    return next(p for p in catalog.procedures if words in p.name)


@pytest.mark.parametrize(
    "text, days",
    [("con trai em 8 tuổi", [2920]), ("bé sinh được 5 tháng rồi", [150]),
     ("mất 5 ngày à", []), ("trong 60 ngày", []), ("bé được hai tuần", [14]),
     ("con gai minh 10t, tet nay di thai lan", [3650])],
)  # fmt: skip
def test_tuoi_trong_tin_nhan(text, days):
    assert ages_in_days(text) == days


def test_ho_chieu_cho_tre_8_tuoi_dung_to_khai_tk01a_va_giay_khai_sinh(catalog):
    passport = named(catalog, "hộ chiếu phổ thông ở trong nước")
    case = passport.case_stated_in("làm hộ chiếu cho con trai 8 tuổi cần gì")
    assert case is not None
    text = answers.documents_answer(passport.in_case(case))
    assert "TK01a" in text and "khai sinh" in text and "người đại diện hợp pháp" in text
    assert "05 năm" in text and "Luật Xuất cảnh" in text


def test_ho_chieu_cho_nguoi_15_tuoi_la_ho_so_chung(catalog):
    passport = named(catalog, "hộ chiếu phổ thông ở trong nước")
    assert passport.case_stated_in("làm hộ chiếu cho con 15 tuổi") is None


def test_chua_noi_truong_hop_thi_hoi_mot_cau_ngan_bang_nut(catalog):
    dispatcher = CollectingDispatcher()
    passport = named(catalog, "hộ chiếu phổ thông ở trong nước")
    procedures.answer(dispatcher, "documents", passport, said("làm hộ chiếu cần gì"))
    [message] = dispatcher.messages
    assert "trẻ em chưa đủ 14 tuổi" in message["text"]
    assert message["buttons"][0]["title"] == "Làm cho trẻ dưới 14 tuổi?"
    assert '"case": "tre-em-duoi-14-tuoi"' in message["buttons"][0]["payload"]


def test_bam_nut_truong_hop_thi_tra_loi_theo_truong_hop_va_nho_lai(catalog):
    dispatcher = CollectingDispatcher()
    passport = named(catalog, "hộ chiếu phổ thông ở trong nước")
    tracker = said("/ask_documents", case="tre-em-duoi-14-tuoi")
    events = procedures.answer(dispatcher, "documents", passport, tracker)
    assert "TK01a" in dispatcher.messages[0]["text"]
    assert {"event": "slot", "name": "procedure_case", "value": "tre-em-duoi-14-tuoi"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    # the next question about the same procedure stays in the case
    again = said("nộp ở đâu", {"procedure": passport.key, "procedure_case": "tre-em-duoi-14-tuoi"})
    assert procedures.case_of(passport, again).key == "tre-em-duoi-14-tuoi"


def test_khai_sinh_cho_be_5_thang_la_qua_han_va_noi_ro_le_phi(catalog):
    birth = named(catalog, "Đăng ký khai sinh")
    case = birth.case_stated_in("con em sinh được 5 tháng rồi giờ mới đi làm khai sinh")
    assert case is not None and case.key == "qua-han"
    text = answers.documents_answer(birth.in_case(case))
    assert "quá hạn" in text and "Giấy chứng sinh" in text and "HĐND" in text


def test_khai_sinh_cho_be_2_tuan_la_dung_han(catalog):
    birth = named(catalog, "Đăng ký khai sinh")
    assert birth.case_stated_in("bé mới sinh được 2 tuần, làm khai sinh cần gì") is None


def test_ket_hon_hai_tinh_dang_ky_o_xa_cua_mot_trong_hai_ben(catalog):
    marriage = named(catalog, "Đăng ký kết hôn (công dân")
    case = marriage.case_stated_in("đk kết hôn cần những gì, 2 đứa ở 2 tỉnh khác nhau")
    text = answers.agency_answer(marriage.in_case(case))
    assert "một trong hai bên" in text and "Giấy xác nhận tình trạng hôn nhân" in text
    assert "07/2025/NĐ-CP" in text


def test_thuong_tru_cho_con_chua_xac_minh_thi_noi_ro(catalog):
    residence = named(catalog, "Đăng ký thường trú")
    case = residence.case_stated_in("đăng ký thường trú cho con 10 tuổi")
    text = answers.documents_answer(residence.in_case(case))
    assert "cha, mẹ hoặc người giám hộ đồng ý" in text and "[chưa xác minh]" in text
    assert "Điều 21 khoản 8" in text


def test_cho_con_6_tuoi_la_tuoi_cua_con():
    assert ages_in_days("làm hộ chiếu cho con 6 tuổi cần giấy tờ gì") == [2190]
    assert ages_in_days("còn lại 5 ngày") == []


@pytest.mark.parametrize(
    "text",
    [
        "e o Ha Noi, ny e thuong tru o Da Nang, gio dang ky ket hon thi lam o dau a",
        "em ở Bình Dương, người yêu em thường trú ở Nghệ An, bọn em muốn đăng ký kết hôn",
    ],
)
def test_ket_hon_noi_noi_o_cua_nguoi_kia_la_hai_noi_cu_tru(catalog, text):
    marriage = named(catalog, "Đăng ký kết hôn (công dân Việt Nam cư trú trong nước)")
    case = marriage.case_stated_in(text)
    assert case is not None and case.key == "hai-ben-khac-noi-cu-tru"


def test_ket_hon_cung_mot_xa_khong_phai_hai_noi(catalog):
    marriage = named(catalog, "Đăng ký kết hôn (công dân Việt Nam cư trú trong nước)")
    assert marriage.case_stated_in("Em và chồng ở cùng một xã, đăng ký kết hôn cần gì") is None
