"""Signing in and out of the console, as a member of staff sees it."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import nav_labels, on_login_page, path_of

pytestmark = pytest.mark.browser

HANOI = "Bảo hiểm xã hội thành phố Hà Nội"
CCC = "Trung tâm Dịch vụ hỗ trợ, chăm sóc khách hàng"
ADMIN_LINKS = ("Người dùng", "Đơn vị", "Nhật ký")


def test_sign_in_page_is_in_vietnamese(page, url):
    response = page.goto(url("hanoi", "/login"))
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.title().startswith("Đăng nhập")
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    assert page.get_by_test_id("office-name").inner_text() == HANOI
    assert page.get_by_label("Tên đăng nhập").is_visible()
    assert page.get_by_label("Mật khẩu").get_attribute("type") == "password"
    assert page.get_by_role("button", name="Đăng nhập").is_visible()
    # Nothing of the signed-in shell leaks onto the sign-in page.
    assert page.get_by_test_id("sign-out").count() == 0
    assert page.get_by_role("navigation").count() == 0
    # The stylesheet was served and applied (not an unstyled page).
    assert page.locator("header.topbar").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 74, 139)"
    page.screenshot(path="/tmp/login.png", full_page=True)


def test_wrong_password_is_refused_and_stays_on_the_form(page, context, sign_in):
    sign_in(page, "hanoi", "agent", "Sai@mat-khau1")
    assert on_login_page(page)
    assert page.get_by_role("alert").inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert page.get_by_label("Tên đăng nhập").input_value() == "agent"
    assert page.get_by_label("Mật khẩu").input_value() == ""
    assert page.get_by_test_id("user-name").count() == 0
    assert not [c for c in context.cookies() if c["value"]]


def test_agent_lands_in_the_shell_with_agent_navigation(page, sign_in):
    sign_in(page, "hanoi", "agent")
    assert path_of(page) == "/"
    assert page.get_by_test_id("office-name").inner_text() == HANOI
    assert page.get_by_test_id("user-name").inner_text() == "Nguyễn Thị Lan"
    assert page.get_by_test_id("user-roles").inner_text() == "Giao dịch viên"
    assert page.get_by_test_id("sign-out").inner_text() == "Đăng xuất"
    links = nav_labels(page)
    assert links[0] == "Tổng quan"
    assert {"Yêu cầu", "Khách hàng"} <= set(links)
    assert not set(ADMIN_LINKS) & set(links)
    assert "Toàn quốc" not in links
    assert page.get_by_role("heading", name=re.compile("^Xin chào")).is_visible()


def test_tenant_admin_lands_in_the_shell_with_administration(page, sign_in):
    sign_in(page, "hanoi", "tenant-admin")
    assert path_of(page) == "/"
    assert page.get_by_test_id("office-name").inner_text() == HANOI
    assert page.get_by_test_id("user-roles").inner_text() == "Quản trị đơn vị"
    links = nav_labels(page)
    assert set(ADMIN_LINKS) <= set(links)
    assert "Yêu cầu" not in links
    assert "Toàn quốc" not in links
    page.screenshot(path="/tmp/shell.png", full_page=True)


@pytest.mark.parametrize(("tenant", "office", "national"), [("ccc", CCC, True), ("hanoi", HANOI, False)])
def test_only_the_ccc_leader_sees_the_national_view(page, url, sign_in, tenant, office, national):
    sign_in(page, tenant, "leader")
    assert page.get_by_test_id("office-name").inner_text() == office
    assert page.get_by_test_id("user-roles").inner_text() == "Lãnh đạo phụ trách"
    assert ("Toàn quốc" in nav_labels(page)) is national
    response = page.goto(url(tenant, "/central"))
    if national:
        assert response.status == 200
        assert page.get_by_test_id("tenant-table").get_by_role("cell", name="hanoi", exact=True).is_visible()
    else:
        assert response.status == 403
        assert page.get_by_role("heading", name="Không có quyền truy cập").is_visible()


def test_deep_link_returns_to_the_page_after_sign_in(page, url):
    page.goto(url("hanoi", "/admin/users"))
    assert path_of(page) == "/login?next=/admin/users"
    page.get_by_label("Tên đăng nhập").fill("tenant-admin")
    page.get_by_label("Mật khẩu").fill("Demo@2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    assert path_of(page) == "/admin/users"
    assert page.get_by_role("heading", name="Người dùng của đơn vị").is_visible()
    assert page.get_by_test_id("user-table").locator("tr[data-user='agent']").is_visible()


def test_sign_out_returns_to_sign_in_and_closes_the_session(page, url, sign_in):
    sign_in(page, "hanoi", "supervisor")
    assert page.get_by_test_id("user-roles").inner_text() == "Giám sát viên"
    page.get_by_test_id("sign-out").click()
    page.wait_for_load_state()
    assert path_of(page) == "/login"
    assert on_login_page(page)
    page.goto(url("hanoi", "/"))
    assert path_of(page) == "/login?next=/"
    assert on_login_page(page)
    assert page.get_by_test_id("user-name").count() == 0
