"""Fee rules at their boundaries: the day a reduction starts, its last day, the day after;
conditional waivers and the conditions a citizen states."""

from datetime import date

import pytest

from bot.knowledge.fees import (
    Channel,
    Circumstances,
    Condition,
    Fee,
    FeeSchedule,
    Source,
    Tier,
    belongs_to,
)

TT25 = Source("tt25", "Thông tư 25/2021/TT-BTC", "https://example.gov.vn/tt25")
NQ66 = Source("nq66", "Nghị quyết 66.22/2026/NQ-CP", "https://example.gov.vn/nq66")
CHECKED = date(2026, 12, 5)


def condition(key, channel=None, yes=(), no=()):
    return Condition(
        key, f"điều kiện {key}", f"Có {key}", f"Không {key}", NQ66, CHECKED, True, channel,
        tuple(yes), tuple(no),
    )  # fmt: skip


ONLINE = condition("files_online", Channel.ONLINE, ["nop online", "online"], ["nop truc tiep"])
VNEID = condition("vneid_level2_documents", yes=["vneid muc 2"], no=["vneid muc 1"])
PASSPORT_DATA = condition("vneid_passport_integrated", yes=["tich hop ho chieu"])


def fee(case, amount, channel=Channel.ANY, start=date(2021, 7, 1), end=None, **kw):
    return Fee(
        case,
        amount,
        kw.pop("unit", "lần"),
        channel,
        kw.pop("beneficiary", None),
        start,
        end,
        kw.pop("source", TT25),
        CHECKED,
        **kw,
    )


def quote(schedule, case, day, beneficiary=None, **facts):
    fee_day = schedule.on(day, beneficiary, Circumstances.of(facts))
    return next(q for q in fee_day.quotes if q.case == case)


# --- the reductions of TT 63/2023 (online, to 31/12/2025) -------------------------------

PASSPORT_2021 = FeeSchedule(
    [
        fee("Cấp mới", 200_000),
        fee("Cấp mới", 180_000, Channel.ONLINE, date(2024, 1, 1), date(2025, 12, 31)),
        fee("Cấp lại do hỏng, mất", 400_000),
        fee("Cấp lại do hỏng, mất", 360_000, Channel.ONLINE, date(2024, 1, 1), date(2025, 12, 31)),
    ]
)


def test_truoc_ngay_giam_phi_nop_online_van_gia_goc():
    assert quote(PASSPORT_2021, "Cấp mới", date(2023, 12, 31)).online.amount == 200_000


def test_ngay_dau_giam_phi_nop_online_re_hon():
    found = quote(PASSPORT_2021, "Cấp mới", date(2024, 1, 1))
    assert (found.in_person.amount, found.online.amount) == (200_000, 180_000)
    assert found.online_is_cheaper


def test_ngay_cuoi_giam_phi_van_duoc_giam():
    assert quote(PASSPORT_2021, "Cấp mới", date(2025, 12, 31)).online.amount == 180_000


def test_sau_ngay_het_han_tro_lai_muc_cu_va_bao_muc_giam_da_het():
    found = quote(PASSPORT_2021, "Cấp mới", date(2026, 1, 1))
    assert found.online.amount == 200_000
    assert not found.online_is_cheaper
    assert [f.amount for f in found.expired_reductions] == [180_000]
    assert found.expired_reductions[0].valid_to == date(2025, 12, 31)


def test_muc_rieng_cho_doi_tuong_uu_tien_hon_muc_chung():
    schedule = FeeSchedule(
        [fee("Cấp Phiếu", 200_000), fee("Cấp Phiếu", 100_000, beneficiary="sinh viên")]
    )
    day = date(2026, 11, 22)
    assert quote(schedule, "Cấp Phiếu", day, "Sinh Vien").online.amount == 100_000
    assert quote(schedule, "Cấp Phiếu", day).online.amount == 200_000
    assert quote(schedule, "Cấp Phiếu", day, "hộ nghèo").online.amount == 200_000
    assert schedule.on(day, "sinh viên").group_has_own_rate
    assert not schedule.on(day, "hộ nghèo").group_has_own_rate
    assert [f.amount for f in schedule.on(day).group_rates] == [100_000]


def test_muc_theo_kenh_uu_tien_hon_muc_chung_moi_kenh():
    schedule = FeeSchedule(
        [
            fee("Đăng ký thường trú", 20_000, Channel.IN_PERSON, date(2023, 2, 5)),
            fee("Đăng ký thường trú", 10_000, Channel.ONLINE, date(2023, 2, 5)),
        ]
    )
    found = quote(schedule, "Đăng ký thường trú", date(2026, 11, 22))
    assert (found.in_person.amount, found.online.amount) == (20_000, 10_000)
    assert found.online_is_cheaper


# --- 2026: TT 64/2025 to 31/12/2026, công dân số waivers 15/08/2026–28/02/2027 ----------

PASSPORT = FeeSchedule(
    [
        fee("Cấp mới", 100_000, start=date(2026, 4, 1), end=date(2026, 12, 31), reduced_from=200_000),
        fee(
            "Cấp mới", 0, start=date(2026, 8, 15), end=date(2027, 2, 28), source=NQ66,
            conditions=(ONLINE, VNEID, PASSPORT_DATA),
        ),
    ]
)  # fmt: skip
ID_CARD = FeeSchedule(
    [
        fee("Cấp đổi", 25_000, start=date(2025, 7, 1), end=date(2026, 12, 31), reduced_from=50_000),
        fee("Cấp đổi", 50_000, start=date(2027, 1, 1)),
        fee(
            "Cấp đổi", 0, start=date(2026, 8, 15), end=date(2027, 2, 28), conditions=(ONLINE, VNEID)
        ),
    ]
)
ALL_MET = {"files_online": True, "vneid_level2_documents": True}


def test_ngay_31_12_2026_van_giam_50_phan_tram_va_bao_ngay_het():
    found = quote(PASSPORT, "Cấp mới", date(2026, 12, 31))
    assert found.in_person.amount == found.online.amount == 100_000
    assert found.in_person.reduction_percent == 50
    assert [c.fee.valid_to for c in found.next_changes] == [date(2026, 12, 31)]


def test_ngay_01_01_2027_het_giam_va_chua_co_muc_moi_thi_du_kien_muc_goc():
    found = quote(PASSPORT, "Cấp mới", date(2027, 1, 1))
    assert found.in_person is None and found.online is None
    assert found.lapsed.fee.amount == 100_000
    assert found.lapsed.expected_amount == 200_000  # expected, not confirmed
    change = quote(PASSPORT, "Cấp mới", date(2026, 12, 31)).next_changes[0]
    assert change.successor is None and change.expected_amount == 200_000
    assert change.first_day == date(2027, 1, 1)


def test_het_giam_ma_co_muc_ke_tiep_thi_bao_muc_do():
    change = quote(ID_CARD, "Cấp đổi", date(2026, 12, 31)).next_changes[0]
    assert change.successor.amount == 50_000 and change.expected_amount is None
    assert quote(ID_CARD, "Cấp đổi", date(2027, 1, 1)).in_person.amount == 50_000


def test_ngay_14_08_2026_chua_co_mien_phi_cong_dan_so():
    found = quote(PASSPORT, "Cấp mới", date(2026, 8, 14), **ALL_MET, vneid_passport_integrated=True)
    assert found.online.amount == 100_000
    assert found.conditional == ()


def test_ngay_15_08_2026_mien_phi_khi_du_dieu_kien():
    facts = {**ALL_MET, "vneid_passport_integrated": True}
    found = quote(PASSPORT, "Cấp mới", date(2026, 8, 15), **facts)
    assert found.online.amount == 0
    assert found.in_person.amount == 100_000  # the waiver needs online filing


def test_ngay_28_02_2027_van_mien_va_01_03_2027_het_mien():
    assert quote(ID_CARD, "Cấp đổi", date(2027, 2, 28), **ALL_MET).online.amount == 0
    after = quote(ID_CARD, "Cấp đổi", date(2027, 3, 1), **ALL_MET)
    assert after.online.amount == 50_000
    assert after.conditional == ()


def test_chua_noi_dieu_kien_thi_bao_ca_hai_muc_va_dieu_kien_con_thieu():
    fee_day = ID_CARD.on(date(2026, 12, 5))
    found = fee_day.quotes[0]
    assert found.online.amount == 25_000
    assert [(r.fee.amount, [c.key for c in r.unmet]) for r in found.conditional] == [
        (0, ["files_online", "vneid_level2_documents"])
    ]
    assert [c.key for c in fee_day.open_conditions] == ["files_online", "vneid_level2_documents"]


def test_noi_nop_online_thi_chi_con_hoi_vneid():
    found = quote(ID_CARD, "Cấp đổi", date(2026, 12, 5), files_online=True)
    assert [c.key for c in found.conditional[0].unmet] == ["vneid_level2_documents"]


def test_noi_nop_truc_tiep_thi_khong_con_muc_mien_online():
    fee_day = ID_CARD.on(date(2026, 12, 5), circumstances=Circumstances.of({"files_online": False}))
    assert fee_day.quotes[0].conditional == ()
    assert fee_day.open_conditions == ()


def test_chua_co_vneid_muc_2_thi_khong_duoc_mien():
    found = quote(
        ID_CARD, "Cấp đổi", date(2026, 12, 5), files_online=True, vneid_level2_documents=False
    )
    assert found.online.amount == 25_000 and found.conditional == ()


def test_ho_chieu_con_can_tich_hop_thong_tin_ho_chieu():
    found = quote(PASSPORT, "Cấp mới", date(2026, 12, 5), **ALL_MET)
    assert found.online.amount == 100_000
    assert [c.key for c in found.conditional[0].unmet] == ["vneid_passport_integrated"]


def test_nhieu_uu_dai_thi_duoc_muc_co_loi_nhat():
    schedule = FeeSchedule(
        [
            fee("Cấp Phiếu", 200_000),
            fee("Cấp Phiếu", 100_000, beneficiary="sinh viên"),
            fee(
                "Cấp Phiếu",
                0,
                start=date(2026, 8, 15),
                end=date(2027, 2, 28),
                conditions=(ONLINE, VNEID),
            ),
        ]
    )
    day = date(2026, 12, 5)
    assert quote(schedule, "Cấp Phiếu", day, "sinh viên").online.amount == 100_000
    assert quote(schedule, "Cấp Phiếu", day, "sinh viên", **ALL_MET).online.amount == 0


# --- reading conditions from a message ---------------------------------------------------


@pytest.mark.parametrize(
    ("message", "stated"),
    [
        ("làm hộ chiếu nộp online hết bao nhiêu", True),
        ("lam ho chieu onl het bn", True),
        ("tôi nộp trực tuyến", True),  # "trực tuyến" is normalised to "online"
        ("tôi không nộp online đâu", False),
        ("tôi nộp trực tiếp", False),
        ("nộp trực tiếp hay online thì rẻ hơn", None),  # a comparison states neither
        ("làm hộ chiếu hết bao nhiêu", None),
    ],
)
def test_doc_dieu_kien_nop_online_tu_cau_noi(message, stated):
    assert ONLINE.stated_in(message) is stated


@pytest.mark.parametrize(
    ("message", "stated"),
    [
        ("tôi có VNeID mức 2", True),
        ("co vneid muc 2 roi", True),
        ("mới có vneid mức 1", False),
        ("chưa có vneid mức 2", False),
        ("không có vneid mức 2", False),
    ],
)
def test_doc_dieu_kien_vneid_muc_2_tu_cau_noi(message, stated):
    assert VNEID.stated_in(message) is stated


def test_dieu_kien_da_noi_duoc_nho_va_cau_moi_nhat_thang():
    remembered = Circumstances.decode("files_online=1,vneid_level2_documents=0")
    assert remembered.get("files_online") is True
    assert remembered.get("vneid_level2_documents") is False
    newer = remembered.updated(Circumstances.of({"vneid_level2_documents": True}))
    assert newer.get("vneid_level2_documents") is True
    assert Circumstances.decode(newer.encode()) == newer
    assert Circumstances.decode("rac;files_online=yes,=1") == Circumstances()


# --- quantities -----------------------------------------------------------------------------

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


# --- groups --------------------------------------------------------------------------------


def test_doi_tuong_cong_dan_noi_thuoc_danh_sach_mien():
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


# --- the staff calendar ------------------------------------------------------------------


def test_lich_thay_doi_phi_liet_ke_ngay_het_va_ngay_bat_dau():
    edges = ID_CARD.edges_between(date(2026, 12, 5), date(2027, 2, 2))
    assert [(e.day, e.starts, e.fee.amount) for e in edges] == [
        (date(2026, 12, 31), False, 25_000),
        (date(2027, 1, 1), True, 50_000),
    ]
    assert edges[0].change.successor.amount == 50_000
    later = ID_CARD.edges_between(date(2027, 2, 1), date(2027, 3, 1))
    assert [(e.day, e.fee.amount) for e in later] == [(date(2027, 2, 28), 0)]


def test_sv_la_sinh_vien_nhung_cccd_khong_phai_nhom_cong_dan(catalog):
    """ "sv" names the student group; the "công dân" that "cccd" stands for is not the
    group "công dân thường trú tại xã biên giới"."""
    records = next(p for p in catalog.procedures if "lý lịch tư pháp" in p.name.lower())
    card = next(p for p in catalog.procedures if "thẻ căn cước (từ đủ 14" in p.name)
    assert records.fees.group_named_in("e dang la sv thi dong bn") == "sinh vien"
    assert card.fees.group_named_in("con doi cccd sang the can cuoc thi bn") is None
