"""Rows of an uploaded frame: Vietnamese headers, normalised contacts and provinces, problems by line and column."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from chalicelib.jobs.domain import Problem
from chalicelib.surveys.frames import HeaderError, column_positions, normalise_phone, parse_row, person_key
from chalicelib.surveys.sampling import Person

HEADER = ["Họ và tên", "Số điện thoại", "Email", "Mã số BHXH", "Tỉnh/thành phố", "Kênh", "Nhóm đối tượng"]


def parse(
    cells: Sequence[object], header: Sequence[object] = HEADER, tenant: str = "ccc", line: int = 2
) -> Person | list[Problem]:
    return parse_row(line, cells, column_positions(header), tenant=tenant, header=header)


def test_a_row_becomes_a_person_with_normalised_contact_and_attributes() -> None:
    person = parse(
        [
            "Nguyễn Văn An",
            "0912 345 678",
            "An.Nguyen@Example.VN",
            "0123456789",
            "Thành phố Hồ Chí Minh",
            "Tổng đài",
            "Người lao động",
        ]
    )
    assert isinstance(person, Person)
    assert (person.contact.phone, person.contact.email, person.contact.name) == (
        "+84912345678",
        "an.nguyen@example.vn",
        "Nguyễn Văn An",
    )
    assert person.attributes == {"province": "hcm", "channel": "hotline", "group": "nguoi-lao-dong"}
    assert person.person_key == person_key(social_insurance_code="0123456789", phone=None, email=None)
    assert "0123456789" not in repr(person), "the social-insurance code is not kept, only its hash"


def test_unaccented_headers_and_province_spellings_are_understood() -> None:
    header = ["ho ten", "SDT", "email", "tinh/thanh pho"]
    for spelling, code in [
        ("Ha Noi", "hanoi"),
        ("Tỉnh Thanh Hoá", "thanhhoa"),
        ("TP HCM", "hcm"),
        ("Đắk Lắk", "daklak"),
        ("huế", "hue"),
    ]:
        person = parse(["B", "84912345678", "", spelling], header)
        assert isinstance(person, Person) and person.attributes["province"] == code, spelling


def test_a_province_office_may_leave_the_province_blank_and_the_ccc_may_not() -> None:
    header = ["Số điện thoại", "Tỉnh/thành phố"]
    person = parse(["0912345678", ""], header, tenant="danang")
    assert isinstance(person, Person) and person.attributes["province"] == "danang"
    assert parse(["0912345678", ""], header, tenant="ccc") == [Problem(2, "Tỉnh/thành phố", "Cần ghi tỉnh/thành phố.")]


def test_every_bad_cell_is_reported_by_line_and_its_column_as_the_file_names_it() -> None:
    problems = parse(["X", "12345", "not-an-email", "12", "Atlantis", "bồ câu", ""], line=7)
    assert isinstance(problems, list)
    assert [(p.line, p.column) for p in problems] == [
        (7, "Số điện thoại"), (7, "Email"), (7, "Mã số BHXH"), (7, "Tỉnh/thành phố"), (7, "Kênh"),
    ]  # fmt: skip


def test_a_row_needs_a_phone_or_an_email() -> None:
    assert parse(["X", "", "", "", "Hà Nội", "", ""]) == [Problem(2, "Số điện thoại", "Cần ít nhất số điện thoại hoặc email.")]


def test_a_header_without_any_contact_column_is_refused() -> None:
    with pytest.raises(HeaderError) as caught:
        column_positions(["Họ và tên", "Tỉnh"])
    assert caught.value.problems[0].line == 1


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("0912345678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("0084912345678", "+84912345678"),
        ("'0912.345.678", "+84912345678"),
        ("912345678", None),
        ("091234567", None),
    ],
)
def test_phones_become_plus_84(raw: str, phone: str | None) -> None:
    assert normalise_phone(raw) == phone


def test_a_phone_typed_as_a_number_in_a_spreadsheet_is_read() -> None:
    person = parse([None, 84912345678.0, None, None, "Huế", None, None])
    assert isinstance(person, Person) and person.contact.phone == "+84912345678"


def test_every_channel_a_list_may_name_is_a_request_channel_with_a_label_on_the_page() -> None:
    from chalicelib.requests.domain import Channel
    from chalicelib.surveys.frame_pages import CHANNEL_LABELS
    from chalicelib.surveys.frames import CHANNELS

    assert set(CHANNELS.values()) == {c.value for c in Channel} == set(CHANNEL_LABELS)
