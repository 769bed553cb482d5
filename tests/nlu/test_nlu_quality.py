"""The gate on NLU quality, on a held-out set written separately from the training data."""

import os
from pathlib import Path

import pytest

from tests.nlu.evaluate import evaluate


@pytest.fixture(scope="module")
def report():
    model = Path(os.environ["TEST_MODEL"])  # set by scripts/test.sh; missing = a failure
    return evaluate(model)


def test_do_chinh_xac_y_dinh_tong_the_dat_0_90(report):
    assert report["overall"]["intent_accuracy"] >= 0.90


def test_tin_nhan_khong_dau_dat_0_85(report):
    assert report["without_diacritics"]["intent_accuracy"] >= 0.85


def test_tap_kiem_tra_du_lon_va_co_ca_hai_nua(report):
    assert report["with_diacritics"]["examples"] >= 80
    assert report["without_diacritics"]["examples"] >= 80
