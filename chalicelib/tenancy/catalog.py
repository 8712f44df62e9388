"""Seed catalogue of tenants (CCC + 34 provincial offices) and their units."""

from __future__ import annotations

from dataclasses import dataclass

KIND_CENTRAL = "central"
KIND_PROVINCE = "province"

UNIT_DEPARTMENT = "department"
UNIT_CARE_DESK = "care_desk"
UNIT_SPECIALIST_BOARD = "specialist_board"
UNIT_DISTRICT_OFFICE = "district_office"

UNIT_KINDS = (UNIT_DEPARTMENT, UNIT_CARE_DESK, UNIT_SPECIALIST_BOARD, UNIT_DISTRICT_OFFICE)


@dataclass(frozen=True, slots=True)
class TenantSpec:
    """One tenant: the CCC or a provincial social-insurance office."""

    code: str
    name: str
    short_name: str
    kind: str


@dataclass(frozen=True, slots=True)
class UnitSpec:
    """One seed unit inside a tenant (department, care desk, board or district office)."""

    code: str
    name: str
    kind: str


# ---------------------------------------------------------------------------
# Tenants
# ---------------------------------------------------------------------------

# CCC official name: Decision 1218/QĐ-BHXH Art. 1.1 ("Trung tâm Dịch vụ hỗ trợ, chăm sóc
# khách hàng"; English name "Customer Care Centre", CCC — Art. 1.2).
CCC = TenantSpec(
    code="ccc",
    name="Trung tâm Dịch vụ hỗ trợ, chăm sóc khách hàng",
    short_name="CSKH Trung ương",
    kind=KIND_CENTRAL,
)

_CITY = "thành phố"
_PROVINCE = "tỉnh"

# The 34 provincial-level offices after the 2025 merger, in the order of DOMAIN.md
# ("Who uses it"); Decision 2988/QĐ-BHXH Art. 8 confirms 34 = 32 + Hà Nội + TP Hồ Chí Minh.
# (code, short_name, administrative level, place name used in the full office name)
_PROVINCES: tuple[tuple[str, str, str, str], ...] = (
    ("hanoi", "Hà Nội", _CITY, "Hà Nội"),
    ("hue", "Huế", _CITY, "Huế"),
    ("haiphong", "Hải Phòng", _CITY, "Hải Phòng"),
    ("danang", "Đà Nẵng", _CITY, "Đà Nẵng"),
    ("hcm", "TP Hồ Chí Minh", _CITY, "Hồ Chí Minh"),
    ("cantho", "Cần Thơ", _CITY, "Cần Thơ"),
    ("tuyenquang", "Tuyên Quang", _PROVINCE, "Tuyên Quang"),
    ("caobang", "Cao Bằng", _PROVINCE, "Cao Bằng"),
    ("laichau", "Lai Châu", _PROVINCE, "Lai Châu"),
    ("laocai", "Lào Cai", _PROVINCE, "Lào Cai"),
    ("thainguyen", "Thái Nguyên", _PROVINCE, "Thái Nguyên"),
    ("dienbien", "Điện Biên", _PROVINCE, "Điện Biên"),
    ("langson", "Lạng Sơn", _PROVINCE, "Lạng Sơn"),
    ("sonla", "Sơn La", _PROVINCE, "Sơn La"),
    ("phutho", "Phú Thọ", _PROVINCE, "Phú Thọ"),
    ("bacninh", "Bắc Ninh", _PROVINCE, "Bắc Ninh"),
    ("quangninh", "Quảng Ninh", _PROVINCE, "Quảng Ninh"),
    ("hungyen", "Hưng Yên", _PROVINCE, "Hưng Yên"),
    ("ninhbinh", "Ninh Bình", _PROVINCE, "Ninh Bình"),
    ("thanhhoa", "Thanh Hóa", _PROVINCE, "Thanh Hóa"),
    ("nghean", "Nghệ An", _PROVINCE, "Nghệ An"),
    ("hatinh", "Hà Tĩnh", _PROVINCE, "Hà Tĩnh"),
    ("quangtri", "Quảng Trị", _PROVINCE, "Quảng Trị"),
    ("quangngai", "Quảng Ngãi", _PROVINCE, "Quảng Ngãi"),
    ("gialai", "Gia Lai", _PROVINCE, "Gia Lai"),
    ("khanhhoa", "Khánh Hòa", _PROVINCE, "Khánh Hòa"),
    ("lamdong", "Lâm Đồng", _PROVINCE, "Lâm Đồng"),
    ("daklak", "Đắk Lắk", _PROVINCE, "Đắk Lắk"),
    ("dongnai", "Đồng Nai", _PROVINCE, "Đồng Nai"),
    ("tayninh", "Tây Ninh", _PROVINCE, "Tây Ninh"),
    ("vinhlong", "Vĩnh Long", _PROVINCE, "Vĩnh Long"),
    ("dongthap", "Đồng Tháp", _PROVINCE, "Đồng Tháp"),
    ("camau", "Cà Mau", _PROVINCE, "Cà Mau"),
    ("angiang", "An Giang", _PROVINCE, "An Giang"),
)


def _office_name(code: str, level: str, place: str) -> str:
    """Full Vietnamese office name, spelled as Decision 2988/QĐ-BHXH Art. 8–10 spells it."""
    if code == "hcm":
        # Decision 2988/QĐ-BHXH Art. 8–10: "Bảo hiểm xã hội Thành phố Hồ Chí Minh" (capital T).
        return "Bảo hiểm xã hội Thành phố Hồ Chí Minh"
    return f"Bảo hiểm xã hội {level} {place}"


TENANTS: tuple[TenantSpec, ...] = (CCC,) + tuple(
    TenantSpec(code=code, name=_office_name(code, level, place), short_name=short, kind=KIND_PROVINCE)
    for code, short, level, place in _PROVINCES
)

TENANT_BY_CODE: dict[str, TenantSpec] = {t.code: t for t in TENANTS}

PROVINCE_CODES: tuple[str, ...] = tuple(t.code for t in TENANTS if t.kind == KIND_PROVINCE)

# Hà Nội and TP Hồ Chí Minh have "Phòng Tổ chức cán bộ" + "Văn phòng" instead of
# "Phòng Tổ chức - Hành chính" (Decision 2988/QĐ-BHXH Art. 8 heading, Art. 9, Art. 10).
BIG_CITY_CODES: frozenset[str] = frozenset({"hanoi", "hcm"})


# ---------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------

# CCC rooms — Decision 1218/QĐ-BHXH Art. 4.1 a)–d) ("Cơ cấu tổ chức gồm 04 phòng").
CCC_DEPARTMENTS: tuple[UnitSpec, ...] = (
    UnitSpec("dich-vu-ho-tro-tu-van", "Phòng Dịch vụ hỗ trợ, tư vấn", UNIT_DEPARTMENT),
    UnitSpec("cham-soc-khach-hang", "Phòng Chăm sóc khách hàng", UNIT_DEPARTMENT),
    UnitSpec("nghiep-vu", "Phòng Nghiệp vụ", UNIT_DEPARTMENT),
    UnitSpec("van-phong", "Văn phòng", UNIT_DEPARTMENT),
)

# Central specialist units ("các đơn vị nghiệp vụ", Decision 681/QĐ-BHXH Quy trình Art. 2.2.l)
# that answer escalated questions (681 Art. 6.1 step 3, Art. 6.2 step 4).
# Named in the seeds:
#   - "Vụ Hợp tác quốc tế": Decision 1218/QĐ-BHXH Art. 2.13 (questions from foreign organisations
#     and individuals in Viet Nam and Vietnamese abroad).
#   - "Trung tâm Công nghệ thông tin": Decision 1218/QĐ-BHXH Art. 2.14 (IT, e-transactions).
# Not in the seeds — well-known central boards of the Decree 89/2020/NĐ-CP structure (the structure
# 1218 and 681 were issued under). The 2025 reorganisation under the Ministry of Finance (see
# 2988's reference to "Ban Tổ chức cán bộ") may have renamed them; administrators should verify.
CCC_SPECIALIST_BOARDS: tuple[UnitSpec, ...] = (
    UnitSpec("thuc-hien-chinh-sach-bhxh", "Ban Thực hiện chính sách bảo hiểm xã hội", UNIT_SPECIALIST_BOARD),
    UnitSpec("thuc-hien-chinh-sach-bhyt", "Ban Thực hiện chính sách bảo hiểm y tế", UNIT_SPECIALIST_BOARD),
    UnitSpec("quan-ly-thu-so-the", "Ban Quản lý Thu - Sổ, Thẻ", UNIT_SPECIALIST_BOARD),
    UnitSpec("kiem-tra", "Ban Kiểm tra", UNIT_SPECIALIST_BOARD),
    UnitSpec("phap-che", "Vụ Pháp chế", UNIT_SPECIALIST_BOARD),
    UnitSpec("hop-tac-quoc-te", "Vụ Hợp tác quốc tế", UNIT_SPECIALIST_BOARD),
    UnitSpec("cong-nghe-thong-tin", "Trung tâm Công nghệ thông tin", UNIT_SPECIALIST_BOARD),
)

# Provincial departments common to all 34 offices — Decision 2988/QĐ-BHXH Art. 1–7.
_PROVINCE_COMMON: tuple[UnitSpec, ...] = (
    # Decision 2988/QĐ-BHXH Art. 1
    UnitSpec("thu", "Phòng Quản lý thu và phát triển người tham gia", UNIT_DEPARTMENT),
    # Decision 2988/QĐ-BHXH Art. 2
    UnitSpec("chinh-sach-bhxh", "Phòng Chế độ bảo hiểm xã hội", UNIT_DEPARTMENT),
    # Decision 2988/QĐ-BHXH Art. 3
    UnitSpec("chinh-sach-bhyt", "Phòng Chế độ bảo hiểm y tế", UNIT_DEPARTMENT),
    # Decision 2988/QĐ-BHXH Art. 4
    UnitSpec("ke-hoach-tai-chinh", "Phòng Kế hoạch - Tài chính", UNIT_DEPARTMENT),
    # Decision 2988/QĐ-BHXH Art. 5 (also complaints, denunciations, citizen reception — Art. 5.2.c)
    UnitSpec("kiem-tra", "Phòng Kiểm tra", UNIT_DEPARTMENT),
    # Decision 2988/QĐ-BHXH Art. 6 — runs hotline, portal, social media, email, local surveys
    # (Art. 6.2.e, g, h): the provincial customer-care desk.
    UnitSpec("truyen-thong", "Phòng Tuyên truyền và Hỗ trợ người tham gia", UNIT_CARE_DESK),
    # Decision 2988/QĐ-BHXH Art. 7
    UnitSpec("cntt-chuyen-doi-so", "Phòng Công nghệ thông tin và Chuyển đổi số", UNIT_DEPARTMENT),
)

# Decision 2988/QĐ-BHXH Art. 8 — the 32 offices other than Hà Nội and TP Hồ Chí Minh.
_PROVINCE_ADMIN: tuple[UnitSpec, ...] = (UnitSpec("to-chuc-hanh-chinh", "Phòng Tổ chức - Hành chính", UNIT_DEPARTMENT),)

# Decision 2988/QĐ-BHXH Art. 9 (Phòng Tổ chức cán bộ) and Art. 10 (Văn phòng) — Hà Nội, TP HCM only.
_BIG_CITY_ADMIN: tuple[UnitSpec, ...] = (
    UnitSpec("to-chuc-can-bo", "Phòng Tổ chức cán bộ", UNIT_DEPARTMENT),
    UnitSpec("van-phong", "Văn phòng", UNIT_DEPARTMENT),
)

# Grassroots offices ("Bảo hiểm xã hội cơ sở", named generically throughout Decision 2988/QĐ-BHXH;
# no seed names a real one). Placeholder seed: three per province; administrators extend the list.
_DISTRICT_OFFICES: tuple[UnitSpec, ...] = tuple(
    UnitSpec(f"co-so-{n}", f"Bảo hiểm xã hội cơ sở khu vực {n}", UNIT_DISTRICT_OFFICE) for n in (1, 2, 3)
)


def units_for(tenant_code: str) -> tuple[UnitSpec, ...]:
    """Return the seed units of a tenant; raise KeyError for an unknown tenant code."""
    tenant = TENANT_BY_CODE[tenant_code]
    if tenant.kind == KIND_CENTRAL:
        return CCC_DEPARTMENTS + CCC_SPECIALIST_BOARDS
    admin = _BIG_CITY_ADMIN if tenant_code in BIG_CITY_CODES else _PROVINCE_ADMIN
    return _PROVINCE_COMMON + admin + _DISTRICT_OFFICES


def care_desk_for(tenant_code: str) -> UnitSpec | None:
    """Return the tenant's care-desk unit, or None (the CCC has none)."""
    return next((u for u in units_for(tenant_code) if u.kind == UNIT_CARE_DESK), None)
