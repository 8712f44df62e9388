"""The invitation SMS: no diacritics (đ → d), one GSM-7 segment, the office's name and the link."""

from __future__ import annotations

import pytest

from chalicelib.links.sms import SEGMENT, SmsTooLongError, invitation_text, septets, unaccent


def test_vietnamese_loses_its_diacritics_and_d_with_stroke_becomes_d():
    assert unaccent("Bảo hiểm xã hội thành phố Đà Nẵng — đủ điều kiện") == "Bao hiem xa hoi thanh pho Da Nang — du dieu kien"
    assert unaccent("Ưu tiên Ơn Ộ ỹ") == "Uu tien On O y"


def test_the_invitation_fits_one_segment_with_the_longest_office_name_and_a_full_link():
    url = "https://hcm.cskh.baohiemxahoi.gov.vn/s/" + "A" * 32
    text = invitation_text(office="Bảo hiểm xã hội Thành phố Hồ Chí Minh", url=url)
    assert text.startswith("Bao hiem xa hoi Thanh pho Ho Chi Minh: ") and text.endswith(url)
    assert septets(text) is not None and len(text) <= SEGMENT


def test_a_text_that_would_take_two_segments_is_refused():
    with pytest.raises(SmsTooLongError):
        invitation_text(office="Bảo hiểm xã hội " * 8, url="https://x/s/abc")


def test_extension_characters_count_two_and_others_are_not_gsm():
    assert septets("a{b") == 4 and septets("ả") is None
