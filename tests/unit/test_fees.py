"""Fee rules at their boundaries: the day a reduction starts, its last day, the day after."""

from datetime import date

import pytest

from bot.knowledge.fees import Channel, Fee, FeeSchedule, Source, Tier

TT25 = Source("tt25", "Thông tư 25/2021/TT-BTC", "https://example.gov.vn/tt25")
CHECKED = date(2026, 11, 22)


def fee(case, amount, channel=Channel.ANY, start=date(2021, 7, 1), end=None, **kw):
    return Fee(
        case,
        amount,
        kw.pop("unit", "lần"),
        channel,
        kw.pop("beneficiary", None),
        start,
        end,
        TT25,
        CHECKED,
        **kw,
    )


PASSPORT = FeeSchedule(
    [
        fee("Cấp mới", 200_000),
        fee("Cấp mới", 180_000, Channel.ONLINE, date(2024, 1, 1), date(2025, 12, 31)),
        fee("Cấp lại do hỏng, mất", 400_000),
        fee("Cấp lại do hỏng, mất", 360_000, Channel.ONLINE, date(2024, 1, 1), date(2025, 12, 31)),
    ]
)


def test_truoc_ngay_giam_phi_nop_online_van_gia_goc():
    quote = PASSPORT.quote_case("Cấp mới", date(2023, 12, 31))
    assert quote.online.amount == 200_000


def test_ngay_dau_giam_phi_nop_online_re_hon():
    quote = PASSPORT.quote_case("Cấp mới", date(2024, 1, 1))
    assert (quote.in_person.amount, quote.online.amount) == (200_000, 180_000)
    assert quote.online_is_cheaper


def test_ngay_cuoi_giam_phi_van_duoc_giam():
    assert PASSPORT.quote_case("Cấp mới", date(2025, 12, 31)).online.amount == 180_000


def test_sau_ngay_het_han_tro_lai_muc_cu_va_bao_muc_giam_da_het():
    quote = PASSPORT.quote_case("Cấp mới", date(2026, 1, 1))
    assert quote.online.amount == 200_000
    assert not quote.online_is_cheaper
    assert [f.amount for f in quote.expired_reductions] == [180_000]
    assert quote.expired_reductions[0].valid_to == date(2025, 12, 31)


def test_hom_nay_khong_con_thu_tuc_ho_chieu_nao_re_hon_online():
    assert PASSPORT.cheaper_online_on(date(2026, 11, 22)) == []
    assert len(PASSPORT.cheaper_online_on(date(2025, 6, 1))) == 2


def test_muc_rieng_cho_doi_tuong_uu_tien_hon_muc_chung():
    schedule = FeeSchedule(
        [
            fee("Cấp Phiếu", 200_000),
            fee("Cấp Phiếu", 100_000, beneficiary="sinh viên"),
        ]
    )
    day = date(2026, 11, 22)
    assert schedule.fee_for("Cấp Phiếu", day, Channel.ONLINE, "Sinh Vien").amount == 100_000
    assert schedule.fee_for("Cấp Phiếu", day, Channel.ONLINE).amount == 200_000
    assert schedule.fee_for("Cấp Phiếu", day, Channel.ONLINE, "hộ nghèo").amount == 200_000


def test_muc_theo_kenh_uu_tien_hon_muc_chung_moi_kenh():
    schedule = FeeSchedule(
        [
            fee("Đăng ký thường trú", 20_000, Channel.IN_PERSON, date(2023, 2, 5)),
            fee("Đăng ký thường trú", 10_000, Channel.ONLINE, date(2023, 2, 5)),
        ]
    )
    quote = schedule.quote_case("Đăng ký thường trú", date(2026, 11, 22))
    assert (quote.in_person.amount, quote.online.amount) == (20_000, 10_000)
    assert quote.online_is_cheaper


COPY = fee(
    "Chứng thực bản sao",
    0,
    unit="trang",
    tiers=(Tier(1, 2, 2_000), Tier(3, None, 1_000)),
    cap=200_000,
)


@pytest.mark.parametrize(
    ("pages", "total"),
    [(1, 2_000), (2, 4_000), (3, 5_000), (10, 12_000), (198, 200_000), (500, 200_000)],
)
def test_chung_thuc_tinh_theo_trang_co_tran(pages, total):
    assert COPY.total_for(pages) == total


def test_phieu_thu_ba_tro_di_cong_them():
    record = fee("Cấp Phiếu", 200_000, unit="phiếu", tiers=(Tier(1, 2, 0), Tier(3, None, 5_000)))
    assert [record.total_for(n) for n in (1, 2, 3, 5)] == [200_000, 200_000, 205_000, 215_000]


def test_phi_khong_theo_bac_nhan_so_luong():
    per_person = fee("Tạm trú theo danh sách", 5_000, Channel.ONLINE, unit="người")
    assert per_person.total_for(4) == 20_000
    assert per_person.total_for(1) == 5_000


def test_doi_tuong_cong_dan_noi_thuoc_danh_sach_mien():
    from bot.knowledge.fees import belongs_to

    label = "thuộc diện miễn theo Điều 4 TT 75/2022 (trẻ em; người cao tuổi; hộ nghèo)"
    assert belongs_to("hộ nghèo", label)
    assert belongs_to("ho ngheo", label)
    assert belongs_to("Người cao tuổi", label)
    assert not belongs_to("sinh viên", label)
    assert belongs_to("người có công", "người có công với cách mạng")
    assert not belongs_to("người", "người có công với cách mạng")
    assert belongs_to("sinh viên", "sinh viên")


def test_nhom_doi_tuong_duoc_nhan_ra_trong_cau_cua_cong_dan(catalog):
    thuong_tru = next(p for p in catalog.procedures if p.code == "1.004222")
    assert (
        thuong_tru.fees.group_named_in("nhà em thuộc hộ nghèo, có phải nộp phí không") == "ho ngheo"
    )
    assert thuong_tru.fees.group_named_in("còn người có công thì sao") == "nguoi co cong"
    assert thuong_tru.fees.group_named_in("lệ phí bao nhiêu") is None
