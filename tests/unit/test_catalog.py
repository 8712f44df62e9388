"""The statutory tenants and their units (Decisions 1218 and 2988)."""

from __future__ import annotations

from chalicelib.tenancy.catalog import TENANTS, units_for


def test_the_ccc_and_34_provinces_with_unique_ascii_codes():
    codes = [t.code for t in TENANTS]
    assert len(codes) == 35 == len(set(codes)) and codes[0] == "ccc"
    assert all(c.isascii() and c.isalnum() and c.islower() for c in codes)
    assert sum(t.kind == "province" for t in TENANTS) == 34


def test_every_province_has_a_care_desk_and_unique_unit_codes():
    for tenant in TENANTS:
        units = units_for(tenant.code)
        codes = [u.code for u in units]
        assert len(codes) == len(set(codes)), tenant.code
        if tenant.kind == "province":
            assert [u.kind for u in units].count("care_desk") == 1, tenant.code


def test_hanoi_and_hcm_have_personnel_and_office_instead_of_organisation():
    # Decision 2988 Art. 8–10.
    for code in ("hanoi", "hcm"):
        ids = {u.code for u in units_for(code)}
        assert {"to-chuc-can-bo", "van-phong"} <= ids and "to-chuc-hanh-chinh" not in ids
    assert "to-chuc-hanh-chinh" in {u.code for u in units_for("nghean")}
