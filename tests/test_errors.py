"""The exception tree: built-in bases, codes, statuses, locations and the JSON envelope."""

from __future__ import annotations

import json
import re

import pytest

from observatory.errors import (
    ConfigurationError,
    Conflict,
    ErrorEnvelope,
    ErrorLocation,
    InvalidInput,
    NotFound,
    ObservatoryError,
    PayloadTooLarge,
    PermissionDenied,
    UnknownFormat,
)

CLASSES = [
    (ObservatoryError, Exception, "observatory-error", 500),
    (InvalidInput, ValueError, "invalid-input", 400),
    (UnknownFormat, ValueError, "unknown-format", 400),
    (PayloadTooLarge, ValueError, "payload-too-large", 413),
    (NotFound, LookupError, "not-found", 404),
    (Conflict, Exception, "conflict", 409),
    (PermissionDenied, PermissionError, "permission-denied", 403),
    (ConfigurationError, RuntimeError, "configuration-error", 500),
]
WHERE = ErrorLocation(file="f.csv", row=2, column="VALUE")


@pytest.mark.parametrize(("cls", "builtin", "code", "status"), CLASSES)
def test_class_hierarchy_and_defaults(
    cls: type[ObservatoryError], builtin: type[Exception], code: str, status: int
) -> None:
    exc = cls("bad")
    assert isinstance(exc, ObservatoryError)
    assert isinstance(exc, builtin)
    assert (exc.code, exc.status, exc.message, exc.location, exc.details) == (
        code,
        status,
        "bad",
        None,
        [],
    )
    assert (cls.code, cls.status) == (code, status)
    assert str(exc) == "bad"


@pytest.mark.parametrize(("cls", "builtin", "code", "status"), CLASSES)
def test_keywords_work_on_every_class(
    cls: type[ObservatoryError], builtin: type[Exception], code: str, status: int
) -> None:
    exc = cls("is not a number", code="non-numeric-value", location=WHERE, details=[{"row": 2}])
    assert exc.code == "non-numeric-value"
    assert cls.code == code  # the instance's code does not change the class's
    assert exc.status == status
    assert exc.location == WHERE
    assert exc.details == [{"row": 2}]
    assert str(exc) == "f.csv, row 2, column 'VALUE': is not a number"
    assert exc.args == ("is not a number",)
    with pytest.raises(builtin):
        raise exc


def test_built_in_handlers_catch_them() -> None:
    with pytest.raises(ValueError, match=re.escape("f.csv, row 2")):
        raise InvalidInput("bad", location=WHERE)
    try:
        raise NotFound("no such thing", code="unknown-area")
    except LookupError as exc:
        assert isinstance(exc, NotFound)
        assert exc.code == "unknown-area"


@pytest.mark.parametrize(
    ("location", "text"),
    [
        (ErrorLocation(), ""),
        (ErrorLocation(file="f.csv"), "f.csv"),
        (ErrorLocation(file="f.csv", row=0), "f.csv, row 0"),
        (
            ErrorLocation(file="b.xlsx", sheet="Data", cell="B7", row=7, column="VALUE"),
            "b.xlsx, sheet 'Data', cell B7, row 7, column 'VALUE'",
        ),
        (ErrorLocation(field="year"), "field 'year'"),
    ],
)
def test_location_description(location: ErrorLocation, text: str) -> None:
    assert location.describe() == text
    message = InvalidInput("bad", location=location)
    assert str(message) == (f"{text}: bad" if text else "bad")


def test_to_dict() -> None:
    exc = InvalidInput("bad", code="missing-value", location=WHERE, details=[{"row": 2}])
    assert exc.to_dict() == {
        "code": "missing-value",
        "message": "f.csv, row 2, column 'VALUE': bad",
        "location": {"file": "f.csv", "row": 2, "column": "VALUE"},
        "details": [{"row": 2}],
    }
    assert NotFound("gone").to_dict() == {"code": "not-found", "message": "gone"}


@pytest.mark.parametrize(("cls", "builtin", "code", "status"), CLASSES)
def test_envelope_shape(
    cls: type[ObservatoryError], builtin: type[Exception], code: str, status: int
) -> None:
    body = ErrorEnvelope.from_error(cls("bad", location=WHERE)).to_dict()
    assert set(body) == {"ok", "error", "errors", "status"}
    assert body["ok"] is False
    assert body["status"] == status
    assert body["error"] == "f.csv, row 2, column 'VALUE': bad"
    assert body["errors"] == [
        {
            "code": code,
            "message": "f.csv, row 2, column 'VALUE': bad",
            "location": {"file": "f.csv", "row": 2, "column": "VALUE"},
        }
    ]
    assert json.loads(json.dumps(body)) == body
