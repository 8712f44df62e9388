"""A tenant administrator manages staff and units; the audit trail records it."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import nav_labels, on_login_page, path_of

pytestmark = pytest.mark.browser

UNIT = "Phòng Tuyên truyền và Hỗ trợ người tham gia"
UNIT_FIELD = re.compile(r"^Đơn vị")  # the label's accessible name ends with the selected option


def test_admin_creates_a_user_who_then_chooses_a_password(browser, page, url, sign_in, unique):
    login, full_name = f"gdv-{unique}", f"Trần Thị Thử {unique}"
    sign_in(page, "hanoi", "tenant-admin", path="/login?next=/admin/users")
    assert path_of(page) == "/admin/users"

    form = page.get_by_test_id("create-user")
    form.get_by_label("Tên đăng nhập").fill(login)
    form.get_by_label("Họ và tên").fill(full_name)
    form.get_by_label("Thư điện tử").fill(f"{login}@example.vn")
    form.get_by_label("Mã giao dịch viên").fill(f"GDV-{unique[:4].upper()}")
    form.get_by_label("Giao dịch viên", exact=True).check()
    form.get_by_role("combobox", name=UNIT_FIELD).select_option(label=UNIT)
    form.get_by_role("button", name="Tạo tài khoản").click()
    page.wait_for_load_state()
    assert path_of(page) == "/admin/users", "submitting the form signed the administrator out"

    notice = page.get_by_test_id("temporary-password")
    assert login in notice.inner_text()
    temporary = notice.locator("code").inner_text().strip()
    assert len(temporary) >= 8
    row = page.get_by_test_id("user-table").locator(f"tr[data-user='{login}']")
    assert full_name in row.inner_text()
    assert "Giao dịch viên" in row.inner_text()
    assert UNIT in row.inner_text()
    # The password is shown once: reloading the list does not show it again.
    page.goto(url("hanoi", "/admin/users"))
    assert page.get_by_test_id("temporary-password").count() == 0

    page.get_by_test_id("sign-out").click()
    page.wait_for_load_state()
    assert path_of(page) == "/login"

    sign_in(page, "hanoi", login, temporary)
    assert page.get_by_role("heading", name="Đặt mật khẩu mới").is_visible()
    chosen = f"Moi@{unique}Xy9"
    page.get_by_label("Mật khẩu mới", exact=True).fill(chosen)
    page.get_by_label("Nhập lại mật khẩu mới").fill(chosen + "x")
    page.get_by_role("button", name="Lưu và đăng nhập").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text() == "Hai mật khẩu không khớp."
    assert page.get_by_role("heading", name="Đặt mật khẩu mới").is_visible()

    page.get_by_label("Mật khẩu mới", exact=True).fill(chosen)
    page.get_by_label("Nhập lại mật khẩu mới").fill(chosen)
    page.get_by_role("button", name="Lưu và đăng nhập").click()
    page.wait_for_load_state()
    assert path_of(page) == "/"
    assert page.get_by_test_id("user-roles").inner_text() == "Giao dịch viên"
    assert page.get_by_test_id("user-name").inner_text() in (full_name, login)
    assert "Yêu cầu" in nav_labels(page)
    assert "Người dùng" not in nav_labels(page)

    # The new password works from now on; the temporary one no longer does.
    fresh = browser.new_context()
    try:
        other = fresh.new_page()
        sign_in(other, "hanoi", login, temporary)
        assert on_login_page(other)
        assert other.get_by_role("alert").inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."
        sign_in(other, "hanoi", login, chosen)
        assert path_of(other) == "/"
        assert other.get_by_test_id("user-roles").inner_text() == "Giao dịch viên"

        # The administrator finds the creation in the audit trail.
        other.get_by_test_id("sign-out").click()
        other.wait_for_load_state()
        sign_in(other, "hanoi", "tenant-admin", path="/login?next=/admin/audit")
        assert path_of(other) == "/admin/audit"
        audit = other.get_by_test_id("audit-table")
        entry = audit.locator("tbody tr").filter(has_text=login).filter(has_text="user.create")
        assert entry.count() == 1
        assert "tenant-admin" in entry.inner_text()
    finally:
        fresh.close()


def test_admin_adds_a_grassroots_office(page, sign_in, unique):
    code, name = f"co-so-{unique}", f"Bảo hiểm xã hội cơ sở Thử nghiệm {unique}"
    sign_in(page, "hanoi", "tenant-admin", path="/login?next=/admin/units")
    assert path_of(page) == "/admin/units"
    table = page.get_by_test_id("unit-table")
    assert table.locator("tr[data-unit='co-so-1']").is_visible()
    assert table.locator(f"tr[data-unit='{code}']").count() == 0

    form = page.get_by_test_id("create-unit")
    form.get_by_label("Mã đơn vị").fill(code)
    form.get_by_label("Tên đơn vị").fill(name)
    assert form.get_by_label("Loại").locator("option:checked").inner_text() == "BHXH cơ sở"
    form.get_by_role("button", name="Thêm đơn vị").click()
    page.wait_for_load_state()

    assert path_of(page) == "/admin/units", "submitting the form signed the administrator out"
    row = page.get_by_test_id("unit-table").locator(f"tr[data-unit='{code}']")
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells[:4] == [code, name, "BHXH cơ sở", "Đang hoạt động"]

    # The new office can be picked when creating a user.
    page.goto(page.url.replace("/admin/units", "/admin/users"))
    options = page.get_by_test_id("create-user").get_by_role("combobox", name=UNIT_FIELD).locator("option").all_inner_texts()
    assert name in options


def test_agent_cannot_open_unit_administration(page, url, sign_in):
    sign_in(page, "hanoi", "agent")
    response = page.goto(url("hanoi", "/admin/units"))
    assert response.status == 403
    assert page.get_by_role("heading", name="Không có quyền truy cập").is_visible()
    assert page.get_by_test_id("error-message").inner_text().strip()
    assert page.get_by_test_id("unit-table").count() == 0
    assert page.get_by_test_id("create-unit").count() == 0
    # Still signed in, in the shell of their own office.
    assert page.get_by_test_id("user-roles").inner_text() == "Giao dịch viên"
