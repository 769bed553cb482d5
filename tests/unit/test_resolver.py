"""From what a citizen types to the procedure they mean, on the real knowledge base."""

import pytest


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("lam ho chieu het bao nhieu", "1.001456"),
        ("Làm hộ chiếu", "1.001456"),
        ("passport", "1.001456"),
        ("đăng ký thường trú", "1.004222"),
        ("dang ky thuong tru", "1.004222"),
        ("cap lai cccd", "2.000200"),
        ("đổi gplx", "3.000347"),
        ("bang lai xe het han", "3.000347"),
        ("xin lltp", "3.000333"),
        ("giấy khai sinh cho con", "1.001193"),
    ],
)
def test_nhan_ra_thu_tuc_theo_ma(resolver, typed, code):
    best = resolver.resolve(typed).best
    assert best is not None and best.procedure.code == code


@pytest.mark.parametrize(
    ("typed", "name_part"),
    [
        ("dk tam tru onl", "tạm trú"),
        ("tách hộ", "Tách hộ"),
        ("chung thuc ban sao", "Chứng thực bản sao"),
    ],
)
def test_nhan_ra_thu_tuc_khong_co_ma(resolver, typed, name_part):
    best = resolver.resolve(typed).best
    assert best is not None and name_part in best.procedure.name


@pytest.mark.parametrize("typo", ["lam ho chiu", "dang ky thuong chu", "ly lich tu phap"])
def test_go_sai_chinh_ta_van_tim_duoc(resolver, typo):
    assert resolver.resolve(typo).best is not None


@pytest.mark.parametrize(
    "unknown", ["đăng kiểm xe ô tô", "visa đi Mỹ", "", "😀", "<script>alert(1)</script>"]
)
def test_thu_tuc_khong_co_trong_du_lieu_thi_khong_doan(resolver, unknown):
    assert resolver.resolve(unknown).best is None


def test_chi_noi_dang_ky_thi_khong_chon_bua(resolver):
    resolution = resolver.resolve("dang ky")
    assert resolution.best is None or resolution.is_ambiguous


def test_diem_so_giam_dan(resolver):
    candidates = resolver.resolve("đăng ký tạm trú hay thường trú").candidates
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert len(candidates) >= 2


TAM_TRU = "1.004194"
TAM_TRU_DANH_SACH = "dang-ky-tam-tru-theo-danh-sach-gia-han-tam-tru-theo-danh-sach"
TAM_TRU_NUOC_NGOAI = "khai-bao-tam-tru-cho-nguoi-nuoc-ngoai-tai-viet-nam"
TRICH_LUC = "2.000635"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("đăng ký tạm trú", TAM_TRU),
        ("xí nghiệp đăng ký tạm trú cho công nhân ở ký túc xá", TAM_TRU_DANH_SACH),
        ("gia han tam tru hang loat cho nhan vien", TAM_TRU_DANH_SACH),
        ("đăng ký tạm trú cho khách nước ngoài", TAM_TRU_NUOC_NGOAI),
        ("khai báo khách quốc tế ở khách sạn", TAM_TRU_NUOC_NGOAI),
        ("giấy khai sinh bị mất, xin bản sao", TRICH_LUC),
        ("bản sao trích lục khai tử của ông", TRICH_LUC),
    ],
)
def test_thu_tuc_cu_the_thang_thu_tuc_chung_khi_co_tu_phan_biet(resolver, typed, key):
    resolution = resolver.resolve(typed)
    assert resolution.best is not None and resolution.best.procedure.key == key
    assert not resolution.is_ambiguous


@pytest.mark.parametrize(
    "absent",
    [
        "thi bằng lái xe máy",
        "giải thể công ty tnhh",
        "tạm ngừng kinh doanh hộ cá thể",
        "đăng ký lại kết hôn vì xã mất sổ gốc",
        "làm lý lịch tư pháp cho người nước ngoài",
        "đăng ký nuôi con nuôi",
        "xin visa cho chồng",
        "thay đổi chủ hộ trong sổ hộ khẩu",
        "đổi bằng lái xe nước ngoài sang bằng Việt Nam",
        "thi bằng b2 ở đâu",
        "thủ tục ly hôn thuận tình",
        "xin cấp giấy chứng nhận an toàn thực phẩm cho quán ăn",
        "thủ tục nhập quốc tịch Việt Nam",
    ],
)
def test_thu_tuc_lan_can_khong_co_thi_khong_chon_thu_tuc_gan_nhat(resolver, absent):
    assert resolver.resolve(absent).best is None


def test_cum_tu_cua_thu_tuc_khac_khong_loai_thu_tuc_co_ten_chua_no(resolver):
    best = resolver.resolve("khai báo tạm trú cho người nước ngoài").best
    assert best is not None and best.procedure.key == TAM_TRU_NUOC_NGOAI


@pytest.mark.parametrize(
    ("typo", "key"),
    [
        ("dang ky tam chu cho ban than", TAM_TRU),
        ("lap cong ti moi", "dang-ky-thanh-lap-doanh-nghiep"),
        ("dang ki kethon", "dang-ky-ket-hon-cong-dan-viet-nam-cu-tru-trong-nuoc"),
    ],
)
def test_go_sai_chu_hoac_dinh_chu_van_khop(resolver, typo, key):
    best = resolver.resolve(typo).best
    assert best is not None and best.procedure.key == key


@pytest.mark.parametrize("other", ["đăng ký nuôi con", "dang ky tai khoan dinh danh"])
def test_go_sai_khong_duoc_thay_ca_mot_tu(resolver, other):
    # "nuoi" is not a typo of "cuoi" (đăng ký cưới), nor "tai khoan" of "tam vang".
    assert resolver.resolve(other).best is None


def test_chi_co_vai_tu_trung_thi_khong_doan(resolver):
    # "xe máy" is in "đổi bằng lái xe máy", but most of that name is missing.
    assert resolver.resolve("mua xe may moi").best is None


def test_du_chu_cua_mot_ten_theo_thu_tu_khac_van_tim_duoc(resolver):
    best = resolver.resolve("hợp đồng ủy quyền này mang ra xã chứng thực được không").best
    assert best is not None and best.procedure.key == "chung-thuc-hop-dong-giao-dich"


def test_ca_cau_noi_thu_tuc_chua_co_thi_loai_thu_tuc_gan_giong(resolver):
    # NLU may extract only "bằng lái"; the whole message still says "thi bằng lái"
    doi_bang_lai = resolver.resolve("bằng lái").best.procedure.key
    assert resolver.rules_out("em muốn thi bằng lái xe máy", doi_bang_lai)
    assert not resolver.rules_out("em muốn đổi bằng lái xe máy", doi_bang_lai)


def test_tim_cum_tu_thu_tuc_chua_co_trong_cau(resolver):
    assert resolver.not_covered_in("thủ tục đăng kiểm xe lần đầu cần những gì") == "dang kiem"
    assert resolver.not_covered_in("lệ phí đăng ký thường trú") is None
