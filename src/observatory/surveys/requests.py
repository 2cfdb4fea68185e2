"""One survey estimate asked for as data (the API's ``POST /api/v1/surveys/estimate``).

The request names the microdata either inline (``content``: CSV text, or base64 of a ``.csv``, ``.sav``,
``.dta`` or ``.parquet`` file with ``format``), within the upload size limit, or by the SHA-256 of a file
the store keeps as an original (microdata published with ``observatory survey indicators --publish``);
reading a kept file needs a reviewer or an admin, since microdata are confidential. The design is a
``design`` or a ``replicate`` mapping with the fields of the design file's tables. Nothing is stored. The
answer is :meth:`~observatory.surveys.results.Estimates.to_dict`, the JSON of ``observatory survey
estimate --json``.
"""

from __future__ import annotations

import base64
import binascii
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from observatory.auth import Role, User
from observatory.errors import ErrorLocation, InvalidInput, NotFound, PayloadTooLarge, PermissionDenied
from observatory.model.survey import Design, ReplicateDesign
from observatory.store.db import Store
from observatory.store.tables import SourceFile
from observatory.surveys.service import READERS, Estimator, bind, read_microdata, run

FORMATS = ("csv", "parquet", "sav", "dta")


def _design(design: Mapping[str, Any] | None, replicate: Mapping[str, Any] | None, columns: list[str]) -> Any:
    if (design is None) == (replicate is None):
        raise InvalidInput(
            "give exactly one of design and replicate",
            code="invalid-design",
            location=ErrorLocation(field="design"),
        )
    given = design if design is not None else replicate
    if not isinstance(given, Mapping):
        raise InvalidInput(
            "a design is an object of fields", code="invalid-design", location=ErrorLocation(field="design")
        )
    if design is not None:
        return Design.from_mapping(design)
    values = dict(given)
    pattern = values.get("replicate_weights")
    if isinstance(pattern, str) and pattern.endswith("*"):
        values["replicate_weights"] = tuple(c for c in columns if c.startswith(pattern[:-1]))
    try:
        return ReplicateDesign(**values)
    except InvalidInput:
        raise
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            f"bad replicate design: {exc}", code="invalid-design", location=ErrorLocation(field="replicate")
        ) from None


def _inline(data: Mapping[str, Any], folder: Path, limit: int) -> Path:
    fmt = str(data.get("format", "csv")).lower().lstrip(".")
    if fmt not in FORMATS:
        raise InvalidInput(
            f"format {fmt!r} is not one of {', '.join(FORMATS)}",
            code="unknown-format",
            location=ErrorLocation(field="data.format"),
        )
    content = data.get("content")
    if not isinstance(content, str):
        raise InvalidInput(
            "data needs content (text, or base64 with base64 = true) or sha256",
            code="invalid-input",
            location=ErrorLocation(field="data"),
        )
    if bool(data.get("base64", fmt != "csv")):
        try:
            raw = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(
                "data.content is not valid base64",
                code="invalid-input",
                location=ErrorLocation(field="data.content"),
            ) from None
    else:
        raw = content.encode("utf-8")
    if len(raw) > limit:
        raise PayloadTooLarge(
            f"the microdata ({len(raw):,} bytes) are larger than the {limit:,} bytes allowed",
            location=ErrorLocation(field="data.content"),
        )
    path = folder / f"upload.{fmt}"
    path.write_bytes(raw)
    return path


def _kept(store: Store, user: User, sha256: str) -> tuple[Path, str]:
    if user.role not in (Role.admin, Role.reviewer) or not user.active:
        raise PermissionDenied(
            "estimating from kept microdata needs the role reviewer or admin (microdata are confidential)"
        )
    with store.session() as session:
        row = session.get(SourceFile, sha256.lower())
        if row is None:
            raise NotFound(
                f"no kept file with SHA-256 {sha256}", code="not-found", location=ErrorLocation(field="data")
            )
        name, stored = row.original_name, row.stored_path
    if Path(name).suffix.lower() not in READERS:
        raise InvalidInput(
            f"the kept file {name!r} is not microdata",
            code="unknown-format",
            location=ErrorLocation(field="data"),
        )
    return store.settings.resolved_data_dir / stored, name


def estimate_request(store: Store, user: User, request: Mapping[str, Any]) -> dict[str, Any]:
    """Run one estimator on the request's data and design (see the module docstring)."""
    data = request.get("data")
    if not isinstance(data, Mapping):
        raise InvalidInput("data is required", code="invalid-input", location=ErrorLocation(field="data"))
    try:
        estimator = Estimator(str(request.get("estimator", "mean")))
    except ValueError:
        choices = ", ".join(e.value for e in Estimator)
        raise InvalidInput(
            f"estimator is one of {choices}",
            code="invalid-estimator",
            location=ErrorLocation(field="estimator"),
        ) from None
    variable = request.get("variable")
    if not isinstance(variable, str) or not variable:
        raise InvalidInput(
            "variable is required", code="invalid-estimator", location=ErrorLocation(field="variable")
        )
    by, level, na_rm = request.get("by"), request.get("level", 0.95), request.get("na_rm", False)
    if by is not None and not isinstance(by, str):
        raise InvalidInput("by is a column name", code="invalid-input", location=ErrorLocation(field="by"))
    if not isinstance(level, int | float) or isinstance(level, bool):
        raise InvalidInput("level is a number", code="invalid-level", location=ErrorLocation(field="level"))
    if not isinstance(na_rm, bool):
        raise InvalidInput(
            "na_rm is true or false", code="invalid-input", location=ErrorLocation(field="na_rm")
        )
    with tempfile.TemporaryDirectory(prefix="observatory-survey-") as folder:
        if isinstance(data.get("sha256"), str):
            stored, name = _kept(store, user, data["sha256"])
            path = Path(folder) / name  # readers choose by suffix: the original name's
            path.symlink_to(stored.resolve())
            source = name
        else:
            path = _inline(data, Path(folder), store.settings.max_upload_bytes)
            source = "upload"
        frame = read_microdata(path)
    design = _design(request.get("design"), request.get("replicate"), [str(c) for c in frame.columns])
    sample = bind(frame, design, source)
    result = run(sample, estimator, variable, by=by, na_rm=na_rm, level=float(level))
    return result.to_dict()
