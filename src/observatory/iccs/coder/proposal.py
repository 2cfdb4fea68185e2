"""The coder's public values: confirmed examples it learns from, proposals and their evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class EvidenceKind(Enum):
    """Where a piece of evidence comes from."""

    index_term = "index-term"
    title = "title"
    inclusion = "inclusion"
    description = "description"
    confirmed_mapping = "confirmed-mapping"
    lexicon = "lexicon"
    exclusion = "exclusion"
    qualifier = "qualifier"


@dataclass(frozen=True)
class Example:
    """A confirmed mapping of a national offence label to an ICCS code."""

    label: str
    iccs_code: str
    description: str = ""
    lang: str = "en"


@dataclass(frozen=True)
class Evidence:
    """One reason for (positive ``weight``) or against (negative) a proposed code.

    ``code`` is the ICCS code the matched text belongs to: for an exclusion, the code that excludes.
    """

    kind: EvidenceKind
    text: str
    code: str
    weight: float


@dataclass(frozen=True)
class Proposal:
    """A proposed ICCS code; ``confidence`` is the calibrated probability that it is right."""

    iccs_code: str
    title: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    score: float = 0.0
