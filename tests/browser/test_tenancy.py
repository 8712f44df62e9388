"""Each office's console lives on its own host; sessions never cross offices."""

from __future__ import annotations

import pytest

from tests.browser.conftest import on_login_page, path_of

pytestmark = pytest.mark.browser

HCM = "Bảo hiểm xã hội Thành phố Hồ Chí Minh"


def test_hanoi_session_does_not_open_hcm_console(context, page, url, sign_in):
    sign_in(page, "hanoi", "tenant-admin")
    assert page.get_by_test_id("user-roles").inner_text() == "Quản trị đơn vị"
    session = [c for c in context.cookies() if c["value"]]
    assert session, "signing in set no cookie"
    assert all(c["domain"] == "hanoi.localhost" for c in session), session  # host-only

    # As the browser does it: hcm's host gets no cookie and shows its own sign-in page.
    page.goto(url("hcm", "/admin/users"))
    assert path_of(page) == "/login?next=/admin/users"
    assert on_login_page(page)
    assert page.get_by_test_id("office-name").inner_text() == HCM

    # Even when hanoi's session cookie is planted on hcm's host, hcm's console stays closed.
    context.add_cookies([{**c, "domain": "hcm.localhost"} for c in session])
    page.goto(url("hcm", "/"))
    assert path_of(page) == "/login?next=/"
    assert on_login_page(page)
    assert page.get_by_test_id("user-name").count() == 0
    assert page.get_by_test_id("office-name").inner_text() == HCM

    # Hanoi's console is still open with the same session.
    page.goto(url("hanoi", "/"))
    assert path_of(page) == "/"
    assert page.get_by_test_id("user-roles").inner_text() == "Quản trị đơn vị"


@pytest.mark.parametrize("path", ["/", "/login"])
def test_unknown_host_shows_a_vietnamese_404(page, url, path):
    response = page.goto(url("atlantis", path))
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Không tìm thấy đơn vị").is_visible()
    assert "không thuộc đơn vị nào" in page.get_by_test_id("unknown-host").inner_text()
    assert page.get_by_label("Tên đăng nhập").count() == 0
