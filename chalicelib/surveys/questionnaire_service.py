"""Questionnaire use cases: create, get, list, update (409 on a stale version), freeze for a survey, read a version."""

from __future__ import annotations

from typing import Protocol

from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import ConflictError, NotFoundError, RuleViolationError, UnavailableError
from chalicelib.shared.ids import new_id

from . import questionnaire as qn
from .questionnaire import Content, Questionnaire, QuestionnaireVersion
from .standard import STANDARD_ID, VERSION, standard

FREEZE_ATTEMPTS = 5
NOT_FOUND = "Không tìm thấy bảng hỏi."


class Questionnaires(Protocol):
    """What the service asks of the store (questionnaire_store.py; tests/fakes.py)."""

    def get(self, *, tenant: str, questionnaire_id: str) -> Questionnaire | None: ...
    def save(self, questionnaire: Questionnaire, *, frozen: QuestionnaireVersion | None = None) -> Questionnaire: ...
    def get_version(self, *, tenant: str, questionnaire_id: str, number: int) -> QuestionnaireVersion | None: ...
    def list(self, *, tenant: str, limit: int, cursor: str | None) -> tuple[list[Questionnaire], str | None]: ...


class QuestionnaireService:
    """A tenant's questionnaires; the standard one (`standard-answer`) is every tenant's, read-only."""

    def __init__(self, *, store: Questionnaires, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def create(self, *, tenant: str, actor: str, content: Content) -> Questionnaire:
        """A new questionnaire with its version 1 as a draft."""
        made = qn.create(questionnaire_id=new_id(), tenant=tenant, content=content, actor=actor, at=self._clock.now())
        return self._store.save(made)

    def get(self, *, tenant: str, questionnaire_id: str) -> Questionnaire:
        """The current state (another tenant's id: 404)."""
        if questionnaire_id == STANDARD_ID:
            return standard(tenant)
        found = self._store.get(tenant=tenant, questionnaire_id=questionnaire_id)
        if found is None:
            raise NotFoundError(NOT_FOUND)
        return found

    def list(self, *, tenant: str, limit: int = 50, cursor: str | None = None) -> tuple[list[Questionnaire], str | None]:
        """The tenant's questionnaires, oldest first; the first page starts with the standard one."""
        items, next_cursor = self._store.list(tenant=tenant, limit=limit, cursor=cursor)
        return ([standard(tenant)] if cursor is None else []) + items, next_cursor

    def update(self, *, tenant: str, questionnaire_id: str, actor: str, content: Content, expected_version: int) -> Questionnaire:
        """Replace the content; a frozen version is kept and the edit becomes the next number (stale version: 409)."""
        if questionnaire_id == STANDARD_ID:
            raise RuleViolationError(
                "Bảng hỏi chuẩn không sửa được; hãy tạo một bảng hỏi mới dựa trên nó.", code="standard_read_only"
            )
        current = self.get(tenant=tenant, questionnaire_id=questionnaire_id)
        edited = qn.edit(current, content=content, expected_version=expected_version, actor=actor, at=self._clock.now())
        return self._store.save(edited)

    def version(self, *, tenant: str, questionnaire_id: str, number: int) -> QuestionnaireVersion:
        """Version `number`: a frozen one as it was frozen (one read), or the current draft."""
        if questionnaire_id == STANDARD_ID:
            if number != VERSION.number:
                raise NotFoundError("Không tìm thấy phiên bản này của bảng hỏi.")
            return VERSION
        found = self._store.get_version(tenant=tenant, questionnaire_id=questionnaire_id, number=number)
        if found is not None:
            return found
        current = self.get(tenant=tenant, questionnaire_id=questionnaire_id)
        if number != current.number:
            raise NotFoundError("Không tìm thấy phiên bản này của bảng hỏi.")
        return current.current()

    def freeze(self, *, tenant: str, questionnaire_id: str, number: int | None = None) -> QuestionnaireVersion:
        """A survey starts using the latest version (or `number`): frozen from now on. The system's step: never a 409.

        Safe to repeat: a version already frozen is returned as it is. A person's edit racing the freeze is read
        again, and the freeze takes what was saved (the person's edit, if it was first, or else gets its own 409).
        """
        if questionnaire_id == STANDARD_ID:
            return VERSION
        for _ in range(FREEZE_ATTEMPTS):
            current = self.get(tenant=tenant, questionnaire_id=questionnaire_id)
            wanted = current.number if number is None else number
            if wanted in current.frozen_numbers or (wanted < current.number):
                return self.version(tenant=tenant, questionnaire_id=questionnaire_id, number=wanted)
            frozen, snapshot = qn.freeze(current, number=wanted)
            try:
                self._store.save(frozen, frozen=snapshot)
            except ConflictError:
                continue
            return snapshot
        raise UnavailableError("Bảng hỏi đang được sửa liên tục; vui lòng thử lại.")  # a retry is safe
