"""The respondent's form (`/s/{token}`, and the interviewer's entry): server-rendered screens, no script needed.

The lead's public route calls these and sends the HTML; the owner's preview calls them with a preview action.
The page carries the office's name, hotline and the survey's purpose, never the respondent's personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.web.render import templates

from .answers import screens
from .questionnaire import QuestionnaireVersion

NATIONAL_HOTLINE = "1900 9068"  # Vietnam Social Security's national hotline, when an office has none of its own
PROBLEMS: dict[str, tuple[str, str]] = {
    "expired": ("Đường dẫn khảo sát đã hết hạn", "Thời gian nhận ý kiến qua đường dẫn này đã kết thúc."),
    "unknown": (
        "Không tìm thấy phiếu khảo sát",
        "Đường dẫn không đúng hoặc không còn hiệu lực. Ông/Bà vui lòng kiểm tra lại đường dẫn trong tin nhắn hoặc thư điện tử.",
    ),
    "used": (
        "Phiếu khảo sát đã được ghi nhận",
        "Ý kiến của Ông/Bà qua đường dẫn này đã được ghi nhận trước đó. Mỗi đường dẫn chỉ dùng được một lần.",
    ),
    "closed": ("Đợt khảo sát đã kết thúc", "Đợt khảo sát này không còn nhận ý kiến."),
    "limited": ("Vui lòng thử lại sau", "Có quá nhiều lượt truy cập trong thời gian ngắn. Ông/Bà vui lòng thử lại sau ít phút."),
    "declined": (
        "Chúng tôi đã ghi nhận",
        "Ông/Bà không tham gia đợt khảo sát này. Chúng tôi sẽ không gửi thêm lời nhắc. Cảm ơn Ông/Bà.",
    ),
}


def render_screen(
    version: QuestionnaireVersion,
    screen_index: int,
    answers: Mapping[str, Any],
    errors: Mapping[str, str],
    *,
    action_url: str,
    office_name: str,
    hotline: str = "",
    purpose: str = "",
    hidden: Mapping[str, str] | None = None,
    back_url: str | None = None,
    per_screen: int = 3,
    preview: bool = False,
    banner: tuple[str, str, str] | None = None,
    can_decline: bool = False,
) -> str:
    """One screen of the form: the question(s), the error summary, progress, Tiếp tục / Quay lại.

    `hidden` fields (a CSRF value or nonce, an interviewer's `entry_id`) are posted back with the screen, and
    `screen` (0-based) says which screen was answered. The button is "Gửi câu trả lời" on the screen with the
    questionnaire's last question, else "Tiếp tục" (a hidden question further on may still appear). `banner`
    (text, link text, link) tops an interviewer's entry with whom it is for and the way back to the list.
    `can_decline` offers a sample member, on the first screen, to say they will not take part (no more reminders).
    """
    all_screens = screens(version, answers, per_screen)
    index = min(max(screen_index, 0), len(all_screens) - 1)
    screen = all_screens[index]
    return (
        templates()
        .get_template("survey_form.html")
        .render(
            content=version.content,
            screen=screen,
            answers=answers,
            errors=errors,
            error_items=[(q.id, errors[q.id]) for q in screen.questions if q.id in errors],
            action_url=action_url,
            office_name=office_name,
            hotline=hotline,
            purpose=purpose,
            hidden=dict(hidden or {}),
            back_url=back_url if index > 0 else None,
            is_last=_nothing_after(version, screen.questions[-1].id),
            preview=preview,
            banner=banner,
            can_decline=can_decline and index == 0 and not preview,
            selected=_selected,
        )
    )


def render_done(*, office_name: str, hotline: str = "", purpose: str = "", again: bool = False, preview: bool = False) -> str:
    """The thank-you page; `again` for a second submission or a race lost (counted once, same polite answer)."""
    return (
        templates()
        .get_template("survey_form_done.html")
        .render(office_name=office_name, hotline=hotline, purpose=purpose, again=again, preview=preview)
    )


def render_problem(kind: str, *, office_name: str = "Bảo hiểm xã hội Việt Nam", hotline: str = "") -> str:
    """A clear Vietnamese page for an expired, unknown, used or closed link (with the office's hotline)."""
    title, message = PROBLEMS.get(kind, PROBLEMS["unknown"])
    return (
        templates()
        .get_template("survey_form_problem.html")
        .render(title=title, message=message, office_name=office_name, hotline=hotline)
    )


def _nothing_after(version: QuestionnaireVersion, question_id: str) -> bool:
    """No question follows, not even a hidden one that a later answer could show ("Gửi", else "Tiếp tục")."""
    order = [q.id for q in version.content.questions()]
    return order[-1] == question_id


def _selected(answers: Mapping[str, Any], question_id: str, value: str) -> bool:
    given = answers.get(question_id)
    if isinstance(given, list):
        return value in [str(v) for v in given]
    return given is not None and str(given) == value
