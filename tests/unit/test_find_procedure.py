"""Which procedure a message is about, from its extracted mentions and its whole text."""

import pytest
from rasa_sdk import Tracker

from actions import procedures

BUNDLE = (
    "lien-thong-dang-ky-khai-sinh-dang-ky-thuong-tru-cap-the-bao-hiem-y-te-cho-tre-em-duoi-6-tuoi"
)


@pytest.fixture(autouse=True)
def real_knowledge_base(monkeypatch, catalog, resolver):
    monkeypatch.setattr(procedures, "catalog", lambda: catalog)
    monkeypatch.setattr(procedures, "resolver", lambda: resolver)


def said(text: str, *mentions: str) -> Tracker:
    entities = [{"entity": "procedure", "value": m} for m in mentions]
    return Tracker("nguoi-dan", {}, {"text": text, "entities": entities}, [], False, None, {}, None)


def test_mot_phan_cua_thu_tuc_lien_thong_nhuong_cho_ca_goi_lien_thong():
    found = procedures.find_procedure(
        said("lam khai sinh nhap khau va the bhyt cho con can giay to gi", "khai sinh")
    )
    assert found.procedure is not None and found.procedure.key == BUNDLE


def test_chi_noi_khai_sinh_thi_van_la_dang_ky_khai_sinh():
    found = procedures.find_procedure(said("làm khai sinh cho con cần gì", "khai sinh"))
    assert found.procedure is not None and found.procedure.key == "1.001193"


def test_loi_noi_ca_cau_chon_mot_cach_doc_cua_chinh_cum_tu():
    """ "gks cho con" alone reads as a birth registration; "xin lại" says it is a copy,
    even when the new procedures crowd the phrase's own first three readings."""
    found = procedures.find_procedure(said("xin lại gks cho con cần gì", "gks cho con"))
    assert found.procedure is not None and found.procedure.key == "2.000635"


def test_giam_phi_khong_phai_giam_ho(resolver):
    assert resolver.resolve("những thủ tục nào nộp online được giảm phí?").best is None
