"""A tenant administrator manages the office's staff; every change is audited."""

from __future__ import annotations


def _create(admin, login, roles=("agent",), **extra):
    body = {"username": login, "full_name": "Ngô Văn Bảy", "roles": list(roles), **extra}
    return admin.post("/api/users", body)


def test_new_account_signs_in_with_temporary_password_then_chooses_its_own(api, unique):
    admin = api("hanoi").login("tenant-admin")
    created = _create(admin, f"gdv-{unique}", unit_id="truyen-thong", agent_code="GDV-0777")
    assert created.status == 201
    temporary = created.json["temporary_password"]
    assert created.json["user"]["unit_id"] == "truyen-thong"

    first = api("hanoi").post("/api/auth/login", {"username": f"gdv-{unique}", "password": temporary})
    assert first.status == 200 and first.json["challenge"] == "new_password_required" and not first.json["access_token"]
    weak = api("hanoi").post(
        "/api/auth/new-password", {"username": f"gdv-{unique}", "session": first.json["session"], "new_password": "password"}
    )
    assert weak.status == 422 and weak.error_code == "weak_password"
    chosen = api("hanoi").post(
        "/api/auth/new-password", {"username": f"gdv-{unique}", "session": first.json["session"], "new_password": "Moi@Matkhau9"}
    )
    assert chosen.status == 200 and chosen.json["access_token"]
    me = api("hanoi").login(f"gdv-{unique}", "Moi@Matkhau9").get("/api/me").json
    assert me["roles"] == ["agent"] and me["user"]["agent_code"] == "GDV-0777"


def test_duplicate_login_is_409_and_nothing_changes(api, unique):
    admin = api("hanoi").login("tenant-admin")
    assert _create(admin, f"dup-{unique}").status == 201
    again = _create(admin, f"dup-{unique}", roles=("leader",))
    assert again.status == 409 and again.error_code == "username_taken"
    assert admin.get(f"/api/users/dup-{unique}").json["roles"] == ["agent"]


def test_disable_stops_sign_in_and_enable_restores_it(api, unique):
    admin = api("hanoi").login("tenant-admin")
    login = f"off-{unique}"
    temporary = _create(admin, login).json["temporary_password"]
    version = admin.get(f"/api/users/{login}").json["version"]
    disabled = admin.post(f"/api/users/{login}/disable", {"version": version})
    assert disabled.status == 200 and disabled.json["enabled"] is False
    assert api("hanoi").post("/api/auth/login", {"username": login, "password": temporary}).status == 401
    enabled = admin.post(f"/api/users/{login}/enable", {"version": disabled.json["version"]})
    assert enabled.status == 200
    assert api("hanoi").post("/api/auth/login", {"username": login, "password": temporary}).json["challenge"]


def test_admin_cannot_disable_themselves(api):
    admin = api("hanoi").login("tenant-admin")
    version = admin.get("/api/users/tenant-admin").json["version"]
    reply = admin.post("/api/users/tenant-admin/disable", {"version": version})
    assert reply.status == 409 and reply.error_code == "self_disable"


def test_reset_password_forces_a_new_one(api, unique):
    admin = api("hanoi").login("tenant-admin")
    login = f"reset-{unique}"
    _create(admin, login)
    reset = admin.post(f"/api/users/{login}/reset-password")
    assert reset.status == 200 and reset.json["temporary_password"]
    reply = api("hanoi").post("/api/auth/login", {"username": login, "password": reset.json["temporary_password"]})
    assert reply.json["challenge"] == "new_password_required"


def test_role_change_applies_at_next_sign_in_and_stale_versions_conflict(api, unique):
    admin = api("hanoi").login("tenant-admin")
    login = f"role-{unique}"
    _create(admin, login)
    user = admin.get(f"/api/users/{login}").json
    changed = admin.put(f"/api/users/{login}", {"version": user["version"], "roles": ["leader", "agent"]})
    assert changed.status == 200 and sorted(changed.json["roles"]) == ["agent", "leader"]
    stale = admin.put(f"/api/users/{login}", {"version": user["version"], "roles": ["specialist"]})
    assert stale.status == 409 and stale.error_code == "conflict"
    assert sorted(admin.get(f"/api/users/{login}").json["roles"]) == ["agent", "leader"]


def test_province_cannot_grant_ccc_only_roles_or_foreign_units(api, unique):
    admin = api("hanoi").login("tenant-admin")
    assert _create(admin, f"ccc-role-{unique}", roles=("central_admin",)).status == 422
    assert _create(admin, f"bad-unit-{unique}", unit_id="thuc-hien-chinh-sach-bhxh").status == 422
    assert _create(admin, f"nothing-{unique}", roles=("wizard",)).status == 422


def test_only_administrators_manage_staff(api):
    agent = api("hanoi").login("agent")
    assert agent.get("/api/users").status == 403
    assert _create(agent, "sneaky").status == 403


def test_another_offices_staff_are_not_found(api, unique):
    hcm = api("hcm").login("tenant-admin")
    _create(hcm, f"hcm-{unique}")
    hanoi = api("hanoi").login("tenant-admin")
    assert hanoi.get(f"/api/users/hcm-{unique}").status == 404
    assert hanoi.put(f"/api/users/hcm-{unique}", {"version": 1, "roles": ["leader"]}).status == 404
    assert all(u["username"] != f"hcm-{unique}" for u in hanoi.get("/api/users").json["items"])


def test_every_change_is_in_the_audit_trail(api, unique):
    admin = api("hanoi").login("tenant-admin")
    login = f"audited-{unique}"
    _create(admin, login, email=f"{login}@example.vn")
    admin.post(f"/api/users/{login}/reset-password")
    trail = admin.get("/api/audit").json["items"]
    mine = [(e["action"], e["actor"]) for e in trail if e["target_id"] == login]
    assert ("user.create", "hanoi.tenant-admin") in mine and ("user.reset_password", "hanoi.tenant-admin") in mine
    assert all(f"{login}@example.vn" not in str(e) for e in trail), "the trail names objects, not personal data"
    assert api("hanoi").login("agent").get("/api/audit").status == 403


def test_staff_cannot_be_placed_in_a_deactivated_unit(api, unique):
    admin = api("hanoi").login("tenant-admin")
    unit = admin.post("/api/units", {"code": f"closed-{unique}", "name": "Sắp đóng", "kind": "district_office"}).json
    admin.put(f"/api/units/closed-{unique}", {"version": unit["version"], "active": False})
    reply = _create(admin, f"late-{unique}", unit_id=f"closed-{unique}")
    assert reply.status == 422 and reply.json["error"]["fields"] == {"unit_id": "unknown"}
    assert admin.get(f"/api/users/late-{unique}").status == 404
    assert api("hanoi").post("/api/auth/login", {"username": f"late-{unique}", "password": "x"}).status == 401
