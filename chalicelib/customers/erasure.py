"""A customer's rights over their data (Decree 13/2023/NĐ-CP Art. 9): access (export) and deletion — pure rules.

Deletion here is anonymisation: the identity goes, the customer's id stays as an anonymous key, so the requests
keep counting in the statistics (status, dates, kind, unit, deadline outcome) without naming anyone. Art. 16.2b
lets a state agency keep data its statutory work needs; the open requests are that case, so a customer with an
open request is not erased until it is answered or closed (422), and the office tells them when.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from chalicelib.shared.errors import ConflictError, RuleViolationError

from .domain import MESSAGES, Customer
from .retention import RequestActivity

RETENTION_EXPIRED = "retention_expired"  # the job's reason, never one a person gives
# The legal bases a person may give for an erasure (Decree 13/2023), stored as the code in the audit entry.
ERASURE_REASONS: dict[str, str] = {
    "subject_request": "Chủ thể dữ liệu yêu cầu xoá dữ liệu (Điều 9 khoản 5, Điều 16 khoản 1)",
    "consent_withdrawn": "Chủ thể dữ liệu rút lại sự đồng ý (Điều 9 khoản 4, Điều 12)",
    "objection": "Chủ thể dữ liệu phản đối việc xử lý dữ liệu (Điều 9 khoản 8)",
    "unlawful_processing": "Dữ liệu được xử lý không đúng mục đích hoặc trái quy định (Điều 16 khoản 1)",
    "authority_order": "Theo yêu cầu, quyết định của cơ quan nhà nước có thẩm quyền",
}
REASON_LABELS = {**ERASURE_REASONS, RETENTION_EXPIRED: "Hết thời hạn lưu trữ (Điều 3 khoản 6)"}
# The number of the written request or decision the erasure answers (e.g. "15/PYC-BHXH"): letters, digits, / . -
_REFERENCE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./-]{0,39}$")

ERASURE_MESSAGES = {
    "unknown_reason": "Chọn căn cứ xoá dữ liệu.",
    "bad_reference": "Số phiếu yêu cầu chỉ gồm chữ cái không dấu, chữ số và các dấu / . - (tối đa 40 ký tự).",
    "reference_is_personal": "Số phiếu yêu cầu không được chứa số giấy tờ hay số điện thoại của khách hàng.",
    "open_requests": "Khách hàng còn yêu cầu đang xử lý: {references}. Chỉ xoá dữ liệu sau khi các yêu cầu này đã trả lời hoặc đóng.",
}


def check_erasure(*, customer: Customer, requests: Sequence[RequestActivity], reason: str, reference: str | None) -> None:
    """Refuse an erasure without a known legal basis, with a reference that carries the data it protects, or while a
    request is open (Art. 16.2b: the office still has to answer it)."""
    if reason not in ERASURE_REASONS:
        raise RuleViolationError(ERASURE_MESSAGES["unknown_reason"], code="unknown_reason", fields={"reason": "unknown"})
    if reference is not None:
        if not _REFERENCE.match(reference):
            raise RuleViolationError(ERASURE_MESSAGES["bad_reference"], fields={"reference": "format"})
        compacted = reference.upper().replace(".", "").replace("-", "").replace("/", "")
        if any(value and value in compacted for value in customer.identifiers().values()):
            raise RuleViolationError(ERASURE_MESSAGES["reference_is_personal"], fields={"reference": "personal_data"})
    still_open = [r.reference for r in requests if r.open]
    if still_open:
        raise RuleViolationError(
            ERASURE_MESSAGES["open_requests"].format(references=", ".join(still_open)),
            code="customer_has_open_requests",
            fields={"requests": "open"},
        )


def anonymised(customer: Customer, *, now: datetime, reason: str) -> Customer:
    """The customer with every identifying field gone: only id, kind, dates and why remain."""
    if customer.anonymised_at is not None:
        raise ConflictError(MESSAGES["anonymised"], code="customer_anonymised")
    return Customer(
        kind=customer.kind,
        id=customer.id,
        version=customer.version,
        created_at=customer.created_at,
        updated_at=now,
        anonymised_at=now,
        anonymised_reason=reason,
    )
