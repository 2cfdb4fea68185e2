"""Evaluating the coder on a gold file: top-1/top-3 accuracy at ICCS levels 1-3 and the exact code.

A gold file is a CSV with columns ``label,description,iccs_code`` (and optionally ``lang``). At
level ``k`` a proposal is right when it equals the gold code cut to level ``min(k, gold level)``
once cut to that level itself (a proposal coarser than that is wrong); at the ``detailed`` level it
must be the gold code exactly.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from observatory.errors import ErrorLocation, InvalidInput, NotFound
from observatory.iccs.coder.calibration import expected_calibration_error
from observatory.iccs.coder.proposal import Example
from observatory.iccs.coder.scoring import Coder
from observatory.iccs.coder.text import Lang, fold, parse_lang
from observatory.iccs.tree import normalise_code
from observatory.model.classification import Scheme

GOLD_COLUMNS = ("label", "description", "iccs_code")
LEVEL_LENGTH = {1: 2, 2: 4, 3: 5, 4: 6}
LEVELS: dict[str, int] = {"level1": 1, "level2": 2, "level3": 3, "detailed": 4}


class IndexSplit(Enum):
    """Deterministic parts of the alphabetical index (by a hash of the folded term)."""

    knowledge = "knowledge"
    calibration = "calibration"
    test = "test"


def index_split(term: str) -> IndexSplit:
    """20% test, 10% calibration, 70% knowledge, stable across runs and machines."""
    bucket = int(hashlib.sha1(fold(term).strip().encode()).hexdigest()[:8], 16) % 10
    return IndexSplit.test if bucket < 2 else IndexSplit.calibration if bucket == 2 else IndexSplit.knowledge


def _read_csv(path: Path, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise NotFound("no such file", location=ErrorLocation(file=str(path)))
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidInput(
            f"missing column(s) {', '.join(missing)}; the header must have {','.join(required)}",
            location=ErrorLocation(file=str(path), row=1),
            code="missing-column",
        )
    reader.fieldnames = header
    return [(number, {k: (v or "").strip() for k, v in row.items()}) for number, row in enumerate(reader, 2)]


def read_gold(path: Path, scheme: Scheme, lang: str | None = None) -> list[Example]:
    """The rows of a gold file as examples; codes normalised, errors located by row and column."""
    default = parse_lang(lang or "en").value
    examples: list[Example] = []
    for number, row in _read_csv(path, GOLD_COLUMNS):
        where = ErrorLocation(file=str(path), row=number, column="iccs_code")
        if not row["label"]:
            raise InvalidInput(
                "empty label", location=ErrorLocation(file=str(path), row=number, column="label")
            )
        try:
            code = normalise_code(row["iccs_code"], scheme)
        except (InvalidInput, NotFound) as exc:
            raise InvalidInput(exc.message, location=where) from None
        row_lang = parse_lang(row["lang"]).value if row.get("lang") and lang is None else default
        examples.append(Example(row["label"], code, row["description"], row_lang))
    if not examples:
        raise InvalidInput("no rows", location=ErrorLocation(file=str(path)))
    return examples


def read_list(path: Path) -> list[tuple[str, str, str]]:
    """A national offence list (``code,label,description``) as ``(code, label, description)``."""
    rows = _read_csv(path, ("code", "label", "description"))
    for number, row in rows:
        if not row["label"]:
            raise InvalidInput(
                "empty label", location=ErrorLocation(file=str(path), row=number, column="label")
            )
    return [(row["code"], row["label"], row["description"]) for _, row in rows]


def _right(proposed: str, gold: str, level: int) -> bool:
    need = LEVEL_LENGTH[min(level, len([n for n in LEVEL_LENGTH.values() if n <= len(gold)]))]
    return len(proposed) >= need and proposed[:need] == gold[:need]


@dataclass
class Evaluation:
    """Accuracies (share of items) per level, top-1 and top-3, with the ECE of the top-1 confidence."""

    count: int
    top1: dict[str, float] = field(default_factory=dict)
    top3: dict[str, float] = field(default_factory=dict)
    ece: float = 0.0
    mistakes: list[dict[str, str]] = field(default_factory=list)
    confidences: list[float] = field(default_factory=list)  # of each first proposal
    correct: list[bool] = field(default_factory=list)  # ... and whether it was the gold code

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "top1": self.top1, "top3": self.top3, "ece": round(self.ece, 4)}


def evaluate(coder: Coder, examples: Iterable[Example], lang: Lang | str | None = None) -> Evaluation:
    """Propose the top 3 for every example and score them against its gold code."""
    items = list(examples)
    hits1 = {name: 0 for name in LEVELS}
    hits3 = {name: 0 for name in LEVELS}
    confidences: list[float] = []
    correct: list[bool] = []
    mistakes: list[dict[str, str]] = []
    for ex in items:
        use = parse_lang(lang).value if lang is not None else ex.lang
        proposals = coder.propose(ex.label, ex.description, use, top=3)
        codes = [p.iccs_code for p in proposals]
        for name, level in LEVELS.items():
            hits1[name] += bool(codes) and _right(codes[0], ex.iccs_code, level)
            hits3[name] += any(_right(c, ex.iccs_code, level) for c in codes)
        if proposals:
            confidences.append(proposals[0].confidence)
            correct.append(codes[0] == ex.iccs_code)
        if not codes or codes[0] != ex.iccs_code:
            mistakes.append({"label": ex.label, "gold": ex.iccs_code, "proposed": " ".join(codes)})
    n = max(len(items), 1)
    return Evaluation(
        len(items),
        {k: round(v / n, 4) for k, v in hits1.items()},
        {k: round(v / n, 4) for k, v in hits3.items()},
        expected_calibration_error(confidences, correct),
        mistakes,
        confidences,
        correct,
    )
