"""The ICCS coding assistant: proposes ICCS codes for national offence labels (en, es, fr)."""

from __future__ import annotations

from observatory.iccs.coder.proposal import Evidence, EvidenceKind, Example, Proposal
from observatory.iccs.coder.scoring import Coder

__all__ = ["Coder", "Evidence", "EvidenceKind", "Example", "Proposal"]
