"""Domain errors with stable codes; shared/http.py turns them into the contract's error shape."""

from __future__ import annotations


class AppError(Exception):
    """Base of every error a client may see; `code` is stable, `message` is Vietnamese for people."""

    status = 500
    code = "internal_error"
    default_message = "Đã xảy ra lỗi hệ thống."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        if code:
            self.code = code
        self.fields = fields or {}


class MalformedError(AppError):
    """The request cannot be read: bad JSON, unknown fields, wrong types (400)."""

    status = 400
    code = "malformed_request"
    default_message = "Yêu cầu không hợp lệ."


class UnauthorizedError(AppError):
    """No valid sign-in (401)."""

    status = 401
    code = "unauthorized"
    default_message = "Vui lòng đăng nhập."


class ForbiddenError(AppError):
    """Signed in, but not allowed here (403)."""

    status = 403
    code = "forbidden"
    default_message = "Bạn không có quyền thực hiện thao tác này."


class NotFoundError(AppError):
    """No such object in this tenant — also the answer for another tenant's ids (404)."""

    status = 404
    code = "not_found"
    default_message = "Không tìm thấy."


class ConflictError(AppError):
    """Version conflict or wrong state (409)."""

    status = 409
    code = "conflict"
    default_message = "Dữ liệu đã được người khác thay đổi. Vui lòng tải lại và thử lại."


class PayloadTooLargeError(AppError):
    """Body over the size limit (413)."""

    status = 413
    code = "payload_too_large"
    default_message = "Nội dung gửi lên quá lớn."


class RuleViolationError(AppError):
    """Well-formed, but breaks a business rule (422)."""

    status = 422
    code = "rule_violation"
    default_message = "Yêu cầu vi phạm quy định nghiệp vụ."


class TooManyRequestsError(AppError):
    """Throttled (429); `retry_after` is the Retry-After header: whole seconds until a new try can succeed."""

    status = 429
    code = "too_many_requests"
    default_message = "Quá nhiều yêu cầu, vui lòng thử lại sau."

    def __init__(
        self, message: str | None = None, *, code: str | None = None, fields: dict[str, str] | None = None, retry_after: int = 1
    ) -> None:
        super().__init__(message, code=code, fields=fields)
        self.retry_after = max(1, retry_after)


class UnavailableError(AppError):
    """A dependency is down; safe to retry (503)."""

    status = 503
    code = "service_unavailable"
    default_message = "Dịch vụ tạm thời gián đoạn, vui lòng thử lại."
