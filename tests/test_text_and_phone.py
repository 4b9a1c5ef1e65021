import unicodedata

import pytest

from domain.phone import InvalidPhone, normalize_phone
from domain.text import fold_key, identity_key, nfc, vietnamese_sort_key


@pytest.mark.parametrize(
    "raw",
    ["0912345678", "+84912345678", "84912345678", "0912 345 678", "0912.345.678",
     "+84 912-345-678", "912345678"],
)
def test_phone_forms_normalise_to_one(raw):
    assert normalize_phone(raw) == "0912345678"


def test_pre_2018_numbers_are_renumbered():
    assert normalize_phone("01681234567") == "0381234567"
    assert normalize_phone("+841681234567") == "0381234567"


@pytest.mark.parametrize("raw", ["", "abc", "12345", "0912345678901", "01991234"])
def test_invalid_phones(raw):
    with pytest.raises(InvalidPhone):
        normalize_phone(raw)


def test_nfd_and_tone_placement_compare_equal():
    composed = "Nguyễn Thị Hòa"
    decomposed = unicodedata.normalize("NFD", composed)
    old_style = "Nguyễn Thị Hoà"
    assert nfc(decomposed) == composed
    assert identity_key(decomposed) == identity_key(composed) == identity_key(old_style)
    assert identity_key("Hà") != identity_key("Ha")


def test_fold_key_finds_without_diacritics():
    assert fold_key("Sở Nội vụ") == "so noi vu"
    assert "so noi vu" in fold_key("Phòng Tổ chức – Sở Nội vụ")
    assert fold_key("Đinh Thị Đào") == "dinh thi dao"


def test_official_ordering_by_given_name_with_vietnamese_collation():
    names = ["Trần Văn Đức", "Nguyễn Văn Dũng", "Lê Thị An", "Phạm Ánh", "Đỗ Văn Anh"]
    ordered = sorted(names, key=vietnamese_sort_key)
    # given names: An < Anh < Ánh (tone after base) < Dũng < Đức (đ after d)
    assert ordered == ["Lê Thị An", "Đỗ Văn Anh", "Phạm Ánh", "Nguyễn Văn Dũng", "Trần Văn Đức"]
