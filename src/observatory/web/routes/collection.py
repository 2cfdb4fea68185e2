"""``/api/v1/rounds/{year}/countries/{iso3}/submission``: a country's return, for focal-point clients.

Every endpoint needs an API token. Focal points act for their own country only (403 otherwise); reviewers
and admins review, validate and publish. Files are uploaded as ``multipart/form-data`` (field ``files``,
repeatable) and read as a stream: a file larger than ``OBSERVATORY_MAX_UPLOAD_BYTES`` is refused with 413
as soon as the limit is passed, before the rest is read.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import IO, Any

from fastapi import APIRouter, Request
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool

from observatory.auth import Action, authorize, country_code
from observatory.collect import review
from observatory.collect.detail import submission_detail
from observatory.collect.publishing import publish_submission
from observatory.collect.submissions import SubmissionState, check, edit_value, transition
from observatory.collect.uploads import upload
from observatory.errors import ErrorLocation, InvalidInput, NotFound, PayloadTooLarge
from observatory.model.problem import ValidationReport
from observatory.web.deps import CurrentUser, SettingsDep, StoreDep
from observatory.web.schemas import (
    CheckPublic,
    PublishPublic,
    QueryAnswer,
    QueryClose,
    QueryCreate,
    QueryPublic,
    SubmissionDetailPublic,
    SubmissionPublic,
    TransitionCreate,
    UploadPublic,
    ValueUpdate,
)

router = APIRouter(prefix="/rounds/{year}/countries/{iso3}/submission", tags=["submissions"])

MAX_FILES = 20
MAX_FIELD_BYTES = 64 * 1024  # a form field that is not a file
_UNSAFE = re.compile(r"[^\w.\- ()]+")
MULTIPART = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}}
                    },
                }
            }
        },
    }
}


def safe_name(filename: str, number: int) -> str:
    """The last part of a client's file name, without characters a path must not hold."""
    base = re.split(r"[\\/]", filename)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .")[:200]
    return cleaned or f"upload-{number}"


class FileReceiver:
    """Callbacks for the streaming multipart parser: each file part goes to its own file in ``folder``."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.paths: list[Path] = []
        self._header_field = b""
        self._header_value = b""
        self._headers: dict[str, bytes] = {}
        self._handle: IO[bytes] | None = None
        self._name = ""
        self._size = 0

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._field,
            "on_header_value": self._value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_done,
            "on_part_data": self._data,
            "on_part_end": self.close,
        }

    def _begin(self) -> None:
        self._headers, self._size, self._name = {}, 0, ""

    def _field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header_field.decode("latin-1").lower()] = self._header_value
        self._header_field, self._header_value = b"", b""

    def _headers_done(self) -> None:
        _, params = parse_options_header(self._headers.get("content-disposition", b""))
        filename = params.get(b"filename")
        if filename is None:
            return  # a plain form field: counted, not kept
        if len(self.paths) >= MAX_FILES:
            raise InvalidInput(f"at most {MAX_FILES} files per upload", code="too-many-files")
        self._name = safe_name(filename.decode("utf-8", "replace"), len(self.paths) + 1)
        target = self.folder / str(len(self.paths) + 1) / self._name
        target.parent.mkdir()
        self.paths.append(target)
        self._handle = target.open("wb")

    def _data(self, data: bytes, start: int, end: int) -> None:
        self._size += end - start
        limit = self.max_bytes if self._handle is not None else MAX_FIELD_BYTES
        if self._size > limit:
            self.close()
            what = self._name or "a form field"
            raise PayloadTooLarge(
                f"{what} is larger than the {limit:,} bytes allowed (OBSERVATORY_MAX_UPLOAD_BYTES); "
                "nothing was stored",
                location=ErrorLocation(file=self._name or None),
            )
        if self._handle is not None:
            self._handle.write(data[start:end])

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


async def receive_files(request: Request, folder: Path, max_bytes: int) -> list[Path]:
    """Stream a ``multipart/form-data`` body into ``folder``, one file per part, refusing oversized parts."""
    kind, params = parse_options_header(request.headers.get("content-type"))
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise InvalidInput(
            "send the files as multipart/form-data in the field `files` (repeat it for several files)",
            code="invalid-upload",
        )
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_FILES * (max_bytes + MAX_FIELD_BYTES):
        raise PayloadTooLarge(
            f"the upload of {int(length):,} bytes is larger than allowed; nothing was stored"
        )
    receiver = FileReceiver(folder, max_bytes)
    parser = MultipartParser(boundary, receiver.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    finally:
        receiver.close()
    if not receiver.paths:
        raise InvalidInput(
            "the upload holds no file; send them in the multipart field `files`", code="missing-file"
        )
    return receiver.paths


# -- endpoints --------------------------------------------------------------------------------------


@router.get("", summary="Submission detail", response_model=SubmissionDetailPublic)
def submissions_get(year: int, iso3: str, store: StoreDep, user: CurrentUser) -> dict[str, Any]:
    """Values (with file, sheet and cell), the latest validation problems, queries, value history, steps."""
    return submission_detail(store, year, iso3, user=user).to_dict()


@router.post(
    "/files",
    summary="Upload files",
    status_code=201,
    response_model=UploadPublic,
    openapi_extra=MULTIPART,
)
async def submissions_upload(
    year: int, iso3: str, request: Request, store: StoreDep, settings: SettingsDep, user: CurrentUser
) -> dict[str, Any]:
    """Add workbooks, long CSV or SDMX files to the draft, all or nothing: any error refuses the upload
    with the located problems in ``errors[0].details`` and nothing is stored."""
    authorize(user, Action.upload, country_code(iso3))  # before reading the body
    with tempfile.TemporaryDirectory(prefix="observatory-upload-") as folder:
        paths = await receive_files(request, Path(folder), settings.max_upload_bytes)
        result = await run_in_threadpool(upload, store, user, year, iso3, paths)
    return result.to_dict()


def _check_public(report: ValidationReport) -> CheckPublic:
    return CheckPublic.model_validate(
        {
            "valid": report.valid,
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "problems": [p.to_dict() for p in report.problems],
        }
    )


@router.post("/check", summary="Run the validation", response_model=CheckPublic)
def submissions_check(year: int, iso3: str, store: StoreDep, user: CurrentUser) -> CheckPublic:
    """Validate the current values now; the run and its problems are kept with the submission."""
    return _check_public(check(store, user, year, iso3))


def _step(
    store: StoreDep,
    user: CurrentUser,
    year: int,
    iso3: str,
    to: SubmissionState,
    body: TransitionCreate | None,
) -> SubmissionPublic:
    result = transition(store, user, year, iso3, to, body.comment if body else None)
    return SubmissionPublic.model_validate(result.to_dict())


@router.post("/submit", summary="Submit", response_model=SubmissionPublic)
def submissions_submit(
    year: int, iso3: str, store: StoreDep, user: CurrentUser, body: TransitionCreate | None = None
) -> SubmissionPublic:
    """draft or returned-to-draft -> submitted (the focal point; refused while errors remain)."""
    return _step(store, user, year, iso3, SubmissionState.submitted, body)


@router.post("/review", summary="Start the review", response_model=SubmissionPublic)
def submissions_review(
    year: int, iso3: str, store: StoreDep, user: CurrentUser, body: TransitionCreate | None = None
) -> SubmissionPublic:
    """submitted -> under-review (reviewer or admin)."""
    return _step(store, user, year, iso3, SubmissionState.under_review, body)


@router.post("/return", summary="Request changes", response_model=SubmissionPublic)
def submissions_return(
    year: int, iso3: str, body: TransitionCreate, store: StoreDep, user: CurrentUser
) -> SubmissionPublic:
    """under-review -> returned-to-draft, with a comment saying what to change (reviewer or admin)."""
    return _step(store, user, year, iso3, SubmissionState.returned, body)


@router.post("/validate", summary="Validate", response_model=SubmissionPublic)
def submissions_validate(
    year: int, iso3: str, store: StoreDep, user: CurrentUser, body: TransitionCreate | None = None
) -> SubmissionPublic:
    """under-review -> validated; refused (409) while errors or queries that are not closed remain."""
    return _step(store, user, year, iso3, SubmissionState.validated, body)


@router.post("/publish", summary="Publish", response_model=PublishPublic)
def submissions_publish(
    year: int, iso3: str, store: StoreDep, user: CurrentUser, body: TransitionCreate | None = None
) -> dict[str, Any]:
    """validated -> published: the values become observations (dataflow UN_CTS) in a new release."""
    return publish_submission(store, user, year, iso3, body.comment if body else None).to_dict()


@router.post("/queries", summary="Raise a query", status_code=201, response_model=QueryPublic)
def submissions_query(
    year: int, iso3: str, body: QueryCreate, store: StoreDep, user: CurrentUser
) -> dict[str, Any]:
    """Ask about one value, named by ``key`` and ``period`` or by ``cell`` (``SHEET!D7``)."""
    query = review.raise_query(
        store, user, year, iso3, text=body.text, key=body.key, period=body.period, cell=body.cell
    )
    return query.to_dict()


def _own_query(store: StoreDep, year: int, iso3: str, query_id: int) -> None:
    found = review.query_place(store, query_id)
    if found != (year, country_code(iso3)):
        raise NotFound(f"the submission of {iso3} for {year} has no query {query_id}", code="unknown-query")


@router.post("/queries/{query_id}/answer", summary="Answer a query", response_model=QueryPublic)
def submissions_answer(
    year: int, iso3: str, query_id: int, body: QueryAnswer, store: StoreDep, user: CurrentUser
) -> dict[str, Any]:
    """The focal point's answer, optionally with a corrected value (the old value is kept in the history)."""
    _own_query(store, year, iso3, query_id)
    return review.answer_query(
        store, user, query_id, text=body.text, corrected_value=body.corrected_value
    ).to_dict()


@router.post("/queries/{query_id}/close", summary="Close a query", response_model=QueryPublic)
def submissions_close_query(
    year: int, iso3: str, query_id: int, store: StoreDep, user: CurrentUser, body: QueryClose | None = None
) -> dict[str, Any]:
    _own_query(store, year, iso3, query_id)
    return review.close_query(store, user, query_id, text=body.text if body else None).to_dict()


@router.put("/values/{key}/{period}", summary="Edit a value", response_model=CheckPublic)
def submissions_edit_value(
    year: int, iso3: str, key: str, period: str, body: ValueUpdate, store: StoreDep, user: CurrentUser
) -> CheckPublic:
    """Set one value of a draft (the previous value is kept in the history); returns the new validation."""
    report = edit_value(
        store,
        user,
        year,
        iso3,
        key=key,
        period=period,
        value=body.value,
        note=body.note,
        comment=body.comment,
    )
    return _check_public(report)
