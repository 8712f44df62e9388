"""Units: the seeded departments, and the grassroots offices an administrator adds."""

from __future__ import annotations


def test_province_has_its_2988_departments_and_care_desk(api):
    units = {u["id"]: u for u in api("hanoi").login("agent").get("/api/units").json["items"]}
    assert units["truyen-thong"]["kind"] == "care_desk"
    assert units["truyen-thong"]["name"] == "Phòng Tuyên truyền và Hỗ trợ người tham gia"
    assert "to-chuc-can-bo" in units and "van-phong" in units, "Hà Nội has Personnel and Office (2988 Art. 9–10)"
    assert any(u["kind"] == "district_office" for u in units.values())


def test_ccc_has_its_departments_and_specialist_boards(api):
    units = api("ccc").login("agent").get("/api/units").json["items"]
    kinds = [u["kind"] for u in units]
    assert kinds.count("department") == 4 and kinds.count("specialist_board") >= 5


def test_admin_adds_renames_and_deactivates_a_grassroots_office(api, unique):
    admin = api("hanoi").login("tenant-admin")
    code = f"co-so-{unique}"
    created = admin.post("/api/units", {"code": code, "name": "Bảo hiểm xã hội cơ sở Ba Đình", "kind": "district_office"})
    assert created.status == 201 and created.json["active"] is True
    renamed = admin.put(f"/api/units/{code}", {"version": created.json["version"], "name": "BHXH cơ sở Ba Đình"})
    assert renamed.status == 200 and renamed.json["version"] == created.json["version"] + 1
    off = admin.put(f"/api/units/{code}", {"version": renamed.json["version"], "active": False})
    assert off.json["active"] is False
    listed = [u["id"] for u in admin.get("/api/units").json["items"]]
    assert code not in listed
    assert code in [u["id"] for u in admin.get("/api/units?include_inactive=true").json["items"]]


def test_duplicate_unit_code_is_409(api, unique):
    admin = api("hanoi").login("tenant-admin")
    body = {"code": f"twice-{unique}", "name": "Hai lần", "kind": "district_office"}
    assert admin.post("/api/units", body).status == 201
    assert admin.post("/api/units", {**body, "name": "Lần hai"}).status == 409
    assert admin.get(f"/api/units/twice-{unique}").json["name"] == "Hai lần"


def test_two_admins_editing_at_once_one_wins_one_gets_409(api, unique):
    first, second = api("hanoi").login("tenant-admin"), api("hanoi").login("tenant-admin")
    code = f"race-{unique}"
    version = first.post("/api/units", {"code": code, "name": "Gốc", "kind": "district_office"}).json["version"]
    assert first.put(f"/api/units/{code}", {"version": version, "name": "Tên của người thứ nhất"}).status == 200
    assert second.put(f"/api/units/{code}", {"version": version, "name": "Tên của người thứ hai"}).status == 409
    assert first.get(f"/api/units/{code}").json["name"] == "Tên của người thứ nhất"


def test_other_tenants_units_are_404_and_agents_cannot_add(api, unique):
    hcm = api("hcm").login("tenant-admin")
    hcm.post("/api/units", {"code": f"hcm-only-{unique}", "name": "Chỉ HCM", "kind": "district_office"})
    assert api("hanoi").login("tenant-admin").get(f"/api/units/hcm-only-{unique}").status == 404
    assert (
        api("hanoi").login("agent").post("/api/units", {"code": "x-y", "name": "Không", "kind": "district_office"}).status == 403
    )


def test_central_directory_lists_every_office_for_the_ccc_only(api):
    tenants = api("ccc").login("leader").get("/api/central/tenants")
    assert tenants.status == 200
    items = tenants.json["items"]
    assert len(items) == 35 and items[0]["code"] == "ccc"
    assert {"code": "nghean", "host": "nghean.localhost"}.items() <= next(t for t in items if t["code"] == "nghean").items()
    assert api("hanoi").login("leader").get("/api/central/tenants").status == 403
