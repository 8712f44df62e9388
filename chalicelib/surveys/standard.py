"""The standard short questionnaire that ends every written answer (Decision 681 Art. 6.2 step 5; seeds/004).

Satisfied or not with the answer, one 1–5 question per angle, a comment. A constant in code: every tenant has it
without a write, at version 1, frozen (its answers always name `standard-answer` v1).
"""

from __future__ import annotations

from .questionnaire import Content, Question, Questionnaire, QuestionnaireVersion, Section

STANDARD_ID = "standard-answer"

CONTENT = Content(
    title="Đánh giá câu trả lời của cơ quan BHXH",
    form_kind="questionnaire",
    intro="Xin Ông/Bà dành một phút cho biết ý kiến về câu trả lời vừa nhận. Ý kiến của Ông/Bà giúp chúng tôi phục vụ tốt hơn.",
    sections=(
        Section("Câu trả lời", (Question("q1", "yes_no", "Ông/Bà có hài lòng với câu trả lời không?"),)),
        Section(
            "Đánh giá theo ba góc độ",
            (
                Question(
                    "q2",
                    "likert",
                    "Ông/Bà đánh giá thế nào về việc thực hiện chính sách được giải thích trong câu trả lời?",
                    angle="policy",
                    factor="Câu trả lời",
                    criterion="Chính sách được giải thích rõ ràng",
                ),
                Question(
                    "q3",
                    "likert",
                    "Ông/Bà đánh giá thế nào về chất lượng phục vụ (thời gian, thái độ, cách trả lời)?",
                    angle="service",
                    factor="Câu trả lời",
                    criterion="Trả lời đúng hạn, dễ hiểu",
                ),
                Question(
                    "q4",
                    "likert",
                    "Quyền lợi của Ông/Bà có được bảo đảm qua câu trả lời này không?",
                    angle="rights",
                    factor="Câu trả lời",
                    criterion="Quyền lợi được bảo đảm",
                ),
            ),
        ),
        Section(
            "Góp ý",
            (Question("q5", "text", "Ông/Bà có góp ý gì thêm cho chúng tôi không?", required=False, max_length=1000),),
        ),
    ),
)

VERSION = QuestionnaireVersion(STANDARD_ID, 1, CONTENT, frozen=True)


def standard(tenant: str) -> Questionnaire:
    """The standard questionnaire as the tenant sees it (read-only, version 1 frozen)."""
    return Questionnaire(STANDARD_ID, tenant, CONTENT, number=1, frozen=True, version=0, frozen_numbers=(1,))
