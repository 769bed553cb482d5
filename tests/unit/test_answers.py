"""Citizen-facing answers: computed for the date asked, with their sources. Dates are
explicit, so these hold whatever day the tests run."""

from datetime import date

from bot import answers
from bot.knowledge.fees import Circumstances

TODAY = date(2026, 12, 5)
ONLINE_WITH_VNEID = Circumstances.of({"files_online": True, "vneid_level2_documents": True})


def _procedure(catalog, code):
    return next(p for p in catalog.procedures if p.code == code)


def _fee_text(catalog, code, day=TODAY, beneficiary=None, circumstances=Circumstances(), **kw):
    procedure = _procedure(catalog, code)
    return answers.fee_answer(procedure, procedure.fees.on(day, beneficiary, circumstances), **kw)


def test_le_phi_thuong_tru_hom_nay_co_nguon(catalog):
    text = _fee_text(catalog, "1.004222", date(2026, 11, 22))
    assert "nộp trực tiếp 20.000đ" in text and "nộp trực tuyến 10.000đ" in text
    assert "Thông tư 75/2022/TT-BTC" in text and "https://" in text
    assert "kiểm tra ngày" in text


def test_ho_chieu_nam_2024_nop_online_duoc_giam(catalog):
    text = _fee_text(catalog, "1.001456", date(2024, 6, 1))
    assert "200.000đ" in text and "180.000đ" in text


def test_muc_giam_da_het_chi_noi_da_het_khong_nhac_lai_so_tien(catalog):
    text = _fee_text(catalog, "3.000347")  # đổi GPLX: the online reduction ended 31/12/2025
    assert "nay đã hết" in text and "31/12/2025" in text
    assert "115.000" not in text


def test_ho_chieu_hom_nay_100_nghin_giam_50_den_het_31_12_2026(catalog):
    text = _fee_text(catalog, "1.001456")
    assert "Cấp mới: 100.000đ" in text
    assert "giảm 50% so với mức gốc 200.000đ, đến hết 31/12/2026" in text
    assert "Cấp lại do bị hỏng hoặc bị mất: 200.000đ" in text
    assert "Nghị quyết 66.22/2026/NQ-CP" in text and "docid=218858" in text


def test_ho_chieu_hom_nay_noi_ca_muc_mien_cho_cong_dan_so_va_hoi_dieu_kien(catalog):
    text = _fee_text(catalog, "1.001456")
    assert "0đ (miễn phí) nếu anh/chị nộp hồ sơ trực tuyến" in text
    assert "tài khoản định danh điện tử mức 2" in text
    assert "đã tích hợp thông tin hộ chiếu" in text
    assert "(đến hết 28/02/2027)" in text
    assert "Thông tư 117/2026/TT-BTC" in text and "Điều 1 khoản 8 điểm a" in text
    assert "không ạ?" in text  # one short question to settle it


def test_ho_chieu_cong_dan_so_du_dieu_kien_thi_mien_phi(catalog):
    everything = ONLINE_WITH_VNEID.updated(Circumstances.of({"vneid_passport_integrated": True}))
    text = _fee_text(catalog, "1.001456", circumstances=everything)
    assert "nộp trực tuyến 0đ (miễn phí, áp dụng đến hết 28/02/2027)" in text
    assert "nộp trực tiếp 100.000đ" in text
    assert "không ạ?" not in text  # nothing left to ask


def test_ho_chieu_thang_1_nam_sau_du_kien_muc_goc_chua_xac_nhan(catalog):
    text = _fee_text(catalog, "1.001456", date(2027, 1, 1))
    assert "áp dụng ngày 01/01/2027" in text
    assert "dự kiến trở lại mức gốc 200.000đ, nhưng chưa có văn bản xác nhận" in text.lower()
    assert "0đ (miễn phí) nếu anh/chị" in text  # the công dân số waiver runs to 28/02/2027


def test_ho_chieu_sau_28_02_2027_khong_dua_con_so_chua_kiem_chung(catalog):
    text = _fee_text(catalog, "1.001456", date(2027, 3, 1))
    assert "chưa có mức lệ phí" in text
    assert "dichvucong" in text
    assert "miễn phí" not in text and "Hoặc" not in text  # the waiver ended 28/02/2027


def test_ho_chieu_ngay_het_giam_bao_buoc_tiep_theo(catalog):
    text = _fee_text(catalog, "1.001456", date(2026, 12, 31))
    assert "Từ 01/01/2027: dự kiến trở lại mức gốc 200.000đ" in text


def test_can_cuoc_hom_nay_giam_50_va_tu_2027_tro_lai_muc_goc(catalog):
    text = _fee_text(catalog, "2.000200")
    assert "Cấp đổi thẻ căn cước công dân sang thẻ căn cước: 15.000đ/thẻ" in text
    assert "Cấp đổi thẻ căn cước: 25.000đ/thẻ" in text
    assert "Cấp lại thẻ căn cước: 35.000đ/thẻ" in text
    assert "đến hết 31/12/2026" in text and "Từ 01/01/2027: 30.000đ/thẻ" in text
    assert "0đ (miễn phí) nếu anh/chị" in text and "28/02/2027" in text


def test_lltp_hoc_sinh_tu_du_16_tuoi_duoc_giam(catalog):
    text = _fee_text(catalog, "3.000333", beneficiary="học sinh")
    assert "100.000đ" in text
    assert "Nghị quyết 66.22/2026/NQ-CP" in text and "TT 16/2025/TT-BTC" in text
    assert "244/2016" not in text.split("Thu thêm")[0]


def test_lltp_hom_nay_200_nghin_va_mien_cho_cong_dan_so(catalog):
    text = _fee_text(catalog, "3.000333")
    assert "Cấp Phiếu lý lịch tư pháp: 200.000đ" in text
    assert "học sinh từ đủ 16 tuổi trở lên: 100.000đ" in text
    assert "Điều 1 khoản 5" in text and "(đến hết 28/02/2027)" in text
    assert "khoảng" in text and "CHƯA XÁC MINH" in text  # the +5.000đ from the 3rd Phiếu


def test_trich_luc_8_nghin_mot_ban_theo_thong_tu_281(catalog):
    text = _fee_text(catalog, "2.000635", quantity=2)
    assert "8.000đ/bản" in text and "16.000đ" in text
    assert "Thông tư 281/2016/TT-BTC" in text and "STT 4" in text
    assert "CHƯA XÁC MINH" not in text


def test_trich_luc_cong_dan_so_nop_online_mien_phi(catalog):
    text = _fee_text(catalog, "2.000635", circumstances=ONLINE_WITH_VNEID)
    assert "nộp trực tuyến 0đ (miễn phí" in text and "Điều 1 khoản 2" in text


def test_chung_thuc_hop_dong_theo_thong_tu_226(catalog):
    contract = next(p for p in catalog.procedures if p.name == "Chứng thực hợp đồng, giao dịch")
    text = answers.fee_answer(contract, contract.fees.on(TODAY))
    assert "50.000đ" in text and "30.000đ" in text and "25.000đ" in text
    assert "Thông tư 226/2016/TT-BTC" in text and "STT 3" in text


def test_gplx_ma_3_000347_muc_2026_chua_xac_minh_va_mien_cong_dan_so(catalog):
    text = _fee_text(catalog, "3.000347")
    assert "khoảng 135.000đ (CHƯA XÁC MINH" in text
    assert "đã tích hợp giấy phép lái xe" in text and "Điều 1 khoản 6" in text


def test_chung_thuc_tinh_dung_so_trang(catalog):
    copy = next(p for p in catalog.procedures if p.name.startswith("Chứng thực bản sao"))
    text = answers.fee_answer(copy, copy.fees.on(date(2026, 11, 22)), quantity=5)
    assert "5 trang: 7.000đ" in text


def test_cau_hoi_dieu_kien_co_nut_tra_loi(catalog):
    passport = _procedure(catalog, "1.001456")
    choices = answers.condition_choices(passport.fees.on(TODAY))
    titles = [title for title, _ in choices]
    assert titles[0] == "Có, đáp ứng cả 3 điều kiện"
    assert "Nộp trực tiếp" in titles
    yes = choices[0][1]
    assert yes.get("files_online") and yes.get("vneid_passport_integrated")


def test_ho_so_khai_sinh_co_giay_chung_sinh(catalog):
    text = answers.documents_answer(_procedure(catalog, "1.001193"))
    assert "giấy chứng sinh" in text.lower()


def test_ho_so_lltp_theo_nghi_dinh_216(catalog):
    text = answers.documents_answer(_procedure(catalog, "3.000333"))
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" in text
    assert "VNeID" in text and "chứng thực chữ ký" in text
    assert "Nghị định 216/2026/NĐ-CP" in text and "docid=218505" in text


def test_ho_so_ho_chieu_khong_trich_trang_du_lich_nhu_da_xac_minh(catalog):
    text = answers.documents_answer(_procedure(catalog, "1.001456"))
    assert "TK01" in text
    assert text.count("[chưa xác minh]") == 2


def test_thu_tuc_re_hon_khi_nop_online_tinh_tu_du_lieu(catalog):
    text = answers.cheaper_online_answer(catalog.online_savings_on(date(2026, 11, 22)))
    cheaper = text.split("Nộp trực tuyến miễn phí")[0]
    assert "Đăng ký thường trú" in cheaper
    assert "hộ chiếu" not in cheaper.lower()  # its online reduction ended 31/12/2025
    assert "Nộp trực tuyến miễn phí (0đ) (đến hết 28/02/2027) nếu anh/chị có tài khoản" in text
    assert "Cấp hộ chiếu phổ thông ở trong nước – Cấp mới" in text
    text_2024 = answers.cheaper_online_answer(catalog.online_savings_on(date(2024, 6, 1)))
    assert "hộ chiếu" in text_2024.lower() and "miễn phí (0đ)" not in text_2024


def test_nop_online_thuong_tru_re_hon_va_cong_dan_so_mien_phi(catalog):
    procedure = _procedure(catalog, "1.004222")
    text = answers.online_answer(procedure, procedure.fees.on(TODAY))
    assert "nộp trực tuyến 10.000đ, nộp trực tiếp 20.000đ" in text
    assert "0đ (miễn phí) nếu anh/chị nộp hồ sơ trực tuyến" in text and "mức 2" in text


def test_nop_online_lltp_bang_truc_tiep_va_noi_muc_mien(catalog):
    procedure = _procedure(catalog, "3.000333")
    fee_day = procedure.fees.on(TODAY, circumstances=ONLINE_WITH_VNEID)
    text = answers.online_answer(procedure, fee_day)
    assert "nộp trực tuyến 0đ (miễn phí, áp dụng đến hết 28/02/2027)" in text
    assert "nộp trực tiếp 200.000đ" in text


def test_lien_thong_tra_loi_mot_hanh_trinh_voi_ket_qua_tung_phan(tmp_path):
    from bot.db import session_scope
    from bot.knowledge import loader
    from bot.knowledge.catalog import Catalog
    from tests.unit.test_loader import BUNDLE, write

    url = f"sqlite:///{tmp_path / 'kb.db'}"
    with session_scope(url) as session:
        loader.write(session, loader.parse_sources(write(tmp_path, BUNDLE)))
    bundle = Catalog.from_database(url).get("lien-thong-khai-sinh-thuong-tru")
    text = answers.agency_answer(bundle)
    assert "nộp một lần" in text
    assert "1. Đăng ký thường trú (Công an cấp xã): Thông tin thường trú được cập nhật" in text
    assert (
        "2. Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi: Thẻ BHYT của trẻ [chưa xác minh]" in text
    )
    assert "Căn cứ: Thông tư 75/2022/TT-BTC" in text


def test_thu_tuc_thuong_khong_co_hanh_trinh_lien_thong(catalog):
    assert "liên thông" not in answers.agency_answer(_procedure(catalog, "1.004222"))


def _fee_text_of(catalog, key, day=TODAY):
    procedure = next(p for p in catalog.procedures if p.key == key)
    return answers.fee_answer(procedure, procedure.fees.on(day, None, Circumstances()))


def test_le_phi_do_hdnd_tinh_quy_dinh_thi_noi_ro_ai_quy_dinh_va_nguon(catalog):
    text = _fee_text_of(catalog, "cap-giay-xac-nhan-tinh-trang-hon-nhan")
    first = text.splitlines()[0]
    assert "do Hội đồng nhân dân (HĐND) cấp tỉnh nơi nộp hồ sơ quy định" in first
    assert "000đ" not in first and "[chưa xác minh]" in first  # TT 85/2019 not read
    assert "Nghị quyết 66.22/2026/NQ-CP" in text


def test_le_phi_ho_kinh_doanh_hdnd_quy_dinh_nhung_chua_xac_minh(catalog):
    text = _fee_text_of(catalog, "dang-ky-thanh-lap-ho-kinh-doanh")
    assert "HĐND" in text and "[chưa xác minh]" in text and "Thông tư 250/2016" in text
