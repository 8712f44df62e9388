"""Customer identity rules: normalisation, validation, masking, folding of diacritics (pure, no network)."""

from __future__ import annotations

import pytest

from chalicelib.customers.domain import (
    Identity,
    changed_fields,
    duplicate_error,
    fold,
    mask,
    name_prefix,
    normalise_identity,
    normalise_phone,
    search_prefixes,
    summarise,
)
from chalicelib.shared.errors import RuleViolationError

PERSON = {"full_name": "Nguyễn Văn An"}


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("id_number", "001 203 004 567", "001203004567"),  # CCCD, 12 digits
        ("id_number", "123.456.789", "123456789"),  # CMND, 9 digits
        ("id_number", "b1234567", "B1234567"),  # passport, 1 letter + 7 digits
        ("id_number", "AB 123456", "AB123456"),  # passport, 2 letters + 6 digits
        ("social_insurance_code", "79 1234 5678", "7912345678"),
        ("health_card_code", "dn 4 01 0123456789", "DN4010123456789"),
        ("health_card_code", "GD4797912345678", "GD4797912345678"),
        ("phone", "+84 912 345 678", "0912345678"),
        ("phone", "84912345678", "0912345678"),
        ("phone", "0912.345.678", "0912345678"),
        ("email", " An.Nguyen@Example.VN ", "an.nguyen@example.vn"),
        ("address", "  12  Lý Thường Kiệt,   Hà Nội ", "12 Lý Thường Kiệt, Hà Nội"),
    ],
)
def test_identifiers_are_normalised(field, typed, stored):
    assert getattr(normalise_identity("individual", {**PERSON, field: typed}), field) == stored


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("id_number", "12345678"),  # 8 digits: neither CMND nor CCCD
        ("id_number", "1234567890"),  # 10 digits
        ("id_number", "ABC123456"),  # 3 letters
        ("id_number", "B12345"),  # passport with 5 digits
        ("social_insurance_code", "791234567"),
        ("social_insurance_code", "79123456AB"),
        ("health_card_code", "DN401012345678"),  # 12 digits
        ("health_card_code", "D44010123456789"),  # one letter
        ("phone", "912345678"),  # no leading 0
        ("phone", "+1 415 555 0100"),
        ("phone", "(028) 3930-1234"),  # 11 digits
        ("email", "an.nguyen@"),
    ],
)
def test_bad_identifiers_are_refused_naming_the_field(field, typed):
    with pytest.raises(RuleViolationError) as refused:
        normalise_identity("individual", {**PERSON, field: typed})
    assert refused.value.status == 422 and refused.value.fields == {field: "format"}


def test_a_vietnamese_name_is_kept_with_its_diacritics_in_nfc():
    decomposed = "Nguye\u0302\u0303n Va\u0306n An"  # as some keyboards send it
    assert normalise_identity("individual", {"full_name": decomposed}).full_name == "Nguyễn Văn An"


@pytest.mark.parametrize(
    ("kind", "fields", "problems"),
    [
        ("individual", {}, {"full_name": "required"}),
        ("individual", {"full_name": "   "}, {"full_name": "required"}),
        ("organization", {"full_name": "Trần Thị Bình"}, {"org_name": "required"}),
        ("individual", {**PERSON, "unit_code": "TA0001A"}, {"unit_code": "not_for_kind"}),
        ("organization", {"org_name": "Công ty ABC", "id_number": "001203004567"}, {"id_number": "not_for_kind"}),
        ("individual", {"id_number": "1", "phone": "2"}, {"full_name": "required", "id_number": "format", "phone": "format"}),
        ("person", PERSON, {"kind": "unknown"}),
    ],
)
def test_each_kind_needs_its_name_and_only_its_identifiers(kind, fields, problems):
    with pytest.raises(RuleViolationError) as refused:
        normalise_identity(kind, fields)
    assert refused.value.fields == problems


def test_an_organisation_with_a_contact_person():
    org = normalise_identity(
        "organization", {"org_name": "Công ty TNHH Minh Phát", "unit_code": "ta 0001 a", "full_name": "Lê Hà"}
    )
    assert (org.display_name, org.unit_code, org.full_name) == ("Công ty TNHH Minh Phát", "TA0001A", "Lê Hà")
    assert org.identifiers() == {"unit_code": "TA0001A"}


def test_empty_strings_are_absent_fields():
    person = normalise_identity("individual", {**PERSON, "phone": "", "email": "  "})
    assert person.phone is None and person.email is None and person.identifiers() == {}


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("001203004567", "********4567"),
        ("123456789", "******789"),
        ("0912345678", "******5678"),
        ("DN4010123456789", "***********6789"),
        ("B1234567", "*****567"),
        ("TA0001A", "****01A"),
        ("ABC", "***"),
    ],
)
def test_mask_keeps_only_the_last_characters(value, masked):
    assert mask(value) == masked


def test_summary_masks_every_identifier():
    person = normalise_identity("individual", {**PERSON, "id_number": "001203004567", "phone": "0912345678"})
    summary = summarise(person, "C1")
    assert summary.identifiers == {"id_number": "********4567", "phone": "******5678"}
    assert summary.display_name == "Nguyễn Văn An"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Văn An", "nguyen van an"),
        ("Đặng Thị Ánh", "dang thi anh"),
        ("đỗ  ĐỨC   Đạt", "do duc dat"),
        ("Lê Thị Hồng Nhung", "le thi hong nhung"),
        ("Công ty Cổ phần Ươm Mầm", "cong ty co phan uom mam"),
        ("Nguye\u0302\u0303n", "nguyen"),
    ],
)
def test_fold_removes_diacritics_including_d_with_stroke(text, folded):
    assert fold(text) == folded


def test_search_prefixes_only_ask_types_the_input_can_belong_to():
    assert set(search_prefixes("001 203")) == {"id_number", "social_insurance_code", "phone", "unit_code"}
    assert search_prefixes("+84 91") == {"phone": "091"}  # "+" is no other identifier's character
    assert set(search_prefixes("dn401")) == {"id_number", "health_card_code", "unit_code"}  # passports too
    assert search_prefixes("79") == {}, "fewer than 3 characters"


def test_name_prefix_is_folded_and_two_letters_are_enough():
    assert name_prefix("Lê") == "le"
    with pytest.raises(RuleViolationError):
        name_prefix("L")


def test_phone_normalisation_leaves_other_numbers_compacted():
    assert normalise_phone("0084 912 345 678") == "0912345678"
    assert normalise_phone("8491234") == "8491234"


def test_duplicate_error_points_at_the_existing_record():
    error = duplicate_error({"id_number": "01ABC"})
    assert (error.status, error.code, error.fields) == (409, "duplicate_customer", {"id_number": "duplicate:01ABC"})
    assert "hồ sơ" in error.message


def test_changed_fields_names_fields_only():
    before = Identity("individual", full_name="A", phone="0912345678")
    after = Identity("individual", full_name="A", phone="0987654321", email="a@b.vn")
    assert changed_fields(before, after) == ["phone", "email"]
