"""One exception tree for the whole platform.

Every failure the platform raises on purpose derives from :class:`ObservatoryError`, carries a stable
kebab-case ``code``, a human message and an HTTP ``status`` hint. Subclasses also inherit the matching
built-in (``InvalidInput`` is a ``ValueError``) so callers that only know the standard library still catch
them. Bad *data* is not an exception: it is a :class:`observatory.model.problem.Problem` collected in a
report. The domain never imports the web framework; ``web.errors`` renders these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class ErrorLocation:
    """Where something went wrong: a file and, when known, row/column or sheet/cell or a field."""

    file: str | None = None
    row: int | None = None
    column: str | None = None
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None

    def describe(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.cell:
            parts.append(f"cell {self.cell}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)


class ObservatoryError(Exception):
    """Root of every deliberate failure. ``code`` is stable; ``status`` is an HTTP hint."""

    code: ClassVar[str] = "observatory-error"
    status: ClassVar[int] = 500

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        location: ErrorLocation | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code  # type: ignore[misc]
        self.location = location
        self.details: list[dict[str, Any]] = details or []

    def __str__(self) -> str:
        where = self.location.describe() if self.location else ""
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self)}
        if self.location is not None:
            body["location"] = {k: v for k, v in vars(self.location).items() if v is not None}
        if self.details:
            body["details"] = self.details
        return body


class InvalidInput(ObservatoryError, ValueError):
    """Input that cannot be accepted as it is (a file, a parameter, a form field)."""

    code = "invalid-input"
    status = 400


class UnknownFormat(InvalidInput):
    code = "unknown-format"


class NotFound(ObservatoryError, LookupError):
    code = "not-found"
    status = 404


class Conflict(ObservatoryError):
    code = "conflict"
    status = 409


class PermissionDenied(ObservatoryError, PermissionError):
    code = "permission-denied"
    status = 403


class PayloadTooLarge(InvalidInput):
    code = "payload-too-large"
    status = 413


class ConfigurationError(ObservatoryError, RuntimeError):
    code = "configuration-error"
    status = 500


@dataclass
class ErrorEnvelope:
    """The canonical JSON shape of an error, shared by the API and the CLI's ``--json``."""

    status: int
    error: str
    errors: list[dict[str, Any]] = field(default_factory=list)
    ok: bool = False

    @classmethod
    def from_error(cls, exc: ObservatoryError) -> ErrorEnvelope:
        return cls(status=exc.status, error=str(exc), errors=[exc.to_dict()])

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "error": self.error, "errors": self.errors, "status": self.status}
