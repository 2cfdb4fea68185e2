"""Reading survey microdata: SPSS ``.sav`` and Stata ``.dta`` through ``pyreadstat`` (the ``survey`` extra).

Columns keep their numeric codes (what the data dictionary and the estimators read); the value labels
are kept beside them in ``frame.attrs["value_labels"]`` (``{column: {code: label}}``) and the variable
labels (the questions) in ``frame.attrs["variable_labels"]``. :func:`labelled` turns one column into a
pandas categorical of its labels, codes in order. SPSS user-missing codes (don't know, refused) are read
as missing. An unreadable file is refused with ``unreadable-microdata`` naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from observatory.errors import ConfigurationError, ErrorLocation, InvalidInput

LABELLED_SUFFIXES = (".sav", ".zsav", ".dta")


def _pyreadstat() -> Any:
    try:
        import pyreadstat
    except ImportError:  # pragma: no cover - the survey extra is installed in development and CI
        raise ConfigurationError(
            "reading .sav/.dta needs pyreadstat: pip install 'observatory[survey]'",
            code="missing-dependency",
        ) from None
    return pyreadstat


def _code(value: Any) -> Any:
    """A label's code as the data hold it: whole floats as ints (SPSS stores every number as a double)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_labelled(path: Path) -> pd.DataFrame:
    """A ``.sav``/``.zsav``/``.dta`` file with its codes, value labels and variable labels (see module)."""
    pyreadstat = _pyreadstat()
    suffix = path.suffix.lower()
    read = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
    try:
        frame, meta = read(str(path), apply_value_formats=False)
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError, OSError, UnicodeDecodeError) as exc:
        kind = "Stata" if suffix == ".dta" else "SPSS"
        raise InvalidInput(
            f"not a readable {kind} file: {exc}",
            code="unreadable-microdata",
            location=ErrorLocation(file=str(path)),
        ) from None
    for column in frame.columns:  # SPSS numbers are doubles: whole-number columns back to integers
        values = frame[column]
        if values.dtype.kind == "f" and values.notna().all() and (values % 1 == 0).all():
            frame[column] = values.astype("int64")
    frame.attrs["value_labels"] = {
        str(column): {_code(code): str(label) for code, label in labels.items()}
        for column, labels in (meta.variable_value_labels or {}).items()
    }
    frame.attrs["variable_labels"] = {
        str(name): str(label)
        for name, label in zip(meta.column_names, meta.column_labels or [], strict=False)
        if label
    }
    return frame


def value_labels(frame: pd.DataFrame) -> Mapping[str, Mapping[Any, str]]:
    """``{column: {code: label}}`` of a frame read by :func:`read_labelled` (empty for a CSV)."""
    labels: Mapping[str, Mapping[Any, str]] = frame.attrs.get("value_labels", {})
    return labels


def labelled(frame: pd.DataFrame, column: str) -> pd.Series:
    """One column as a categorical of its value labels (codes without a label stay as their code).

    Categories follow the codes' order, so the ordering of a Likert scale survives.
    """
    labels = value_labels(frame).get(column, {})
    values = frame[column]
    codes = sorted(
        set(labels) | {_code(v) for v in values.dropna().unique()}, key=lambda v: (str(type(v)), v)
    )
    names = [labels.get(code, str(code)) for code in codes]
    mapping = dict(zip(codes, names, strict=True))
    categories = list(dict.fromkeys(names))
    return pd.Series(
        pd.Categorical(values.map(lambda v: mapping.get(_code(v)) if pd.notna(v) else None), categories),
        index=frame.index,
        name=column,
    )


def write_labelled(
    frame: pd.DataFrame,
    path: Path,
    *,
    value_labels: Mapping[str, Mapping[Any, str]] | None = None,
    variable_labels: Mapping[str, str] | None = None,
) -> None:
    """Write ``frame`` as ``.sav`` or ``.dta`` with its labels (the synthetic survey and the tests use it)."""
    pyreadstat = _pyreadstat()
    labels = {k: dict(v) for k, v in (value_labels or frame.attrs.get("value_labels", {})).items()}
    names = dict(variable_labels or frame.attrs.get("variable_labels", {}))
    column_labels = [names.get(str(c), "") for c in frame.columns]
    plain = frame.copy()
    plain.attrs = {}
    suffix = path.suffix.lower()
    if suffix == ".dta":
        pyreadstat.write_dta(plain, str(path), column_labels=column_labels, variable_value_labels=labels)
    elif suffix == ".sav":
        pyreadstat.write_sav(plain, str(path), column_labels=column_labels, variable_value_labels=labels)
    else:
        raise InvalidInput(
            f"write .sav or .dta, not {suffix or 'a file without suffix'}",
            code="unknown-format",
            location=ErrorLocation(file=str(path)),
        )
