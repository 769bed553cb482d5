"""Every procedure in the knowledge base gets an answer to each question a citizen asks
(documents, today's fee, agency, time, filing online): adding a procedure is adding data,
and a new one cannot break an answer. Each answer names the procedure and says where it
comes from, or where to look."""

from datetime import date

import pytest

from bot import answers
from bot.knowledge.fees import Circumstances
from tests.conftest import ROOT

TODAY = date(2026, 12, 5)


def _procedures():
    from bot.knowledge import loader

    return [loader.procedure_key(p) for p in loader.parse_sources(ROOT / "data" / "kb").procedures]


def test_co_it_nhat_50_thu_tuc():
    assert len(_procedures()) >= 50


@pytest.mark.parametrize("key", _procedures())
def test_moi_thu_tuc_tra_loi_du_cac_cau_hoi(catalog, key):
    procedure = catalog.get(key)
    fee_day = procedure.fees.on(TODAY, None, Circumstances())
    replies = {
        "documents": answers.documents_answer(procedure),
        "fee": answers.fee_answer(procedure, fee_day),
        "agency": answers.agency_answer(procedure),
        "time": answers.processing_time_answer(procedure),
        "online": answers.online_answer(procedure, fee_day),
        "checklist": answers.checklist_answer(procedure, fee_day),
    }
    for question, text in replies.items():
        assert procedure.name in text, (question, text)
        assert any(mark in text for mark in ("Căn cứ:", "Nguồn:", "dichvucong", "http")), (
            question,
            text,
        )
        assert "None" not in text, (question, text)
