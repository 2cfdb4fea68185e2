"""Repository functions for concepts: the names of variable codes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.model.dataflow import Concept
from observatory.store.observations import UpsertCounts
from observatory.store.tables import ConceptRow


def upsert_concepts(session: Session, concepts: Sequence[Concept], *, file_sha256: str) -> UpsertCounts:
    """Insert new concepts and update changed ones (the file that said so is recorded)."""
    counts = UpsertCounts()
    existing = {(r.dataflow, r.id): r for r in session.scalars(select(ConceptRow))}
    for concept in concepts:
        row = existing.get((concept.dataflow, concept.id))
        values = (concept.name, concept.description, concept.indicator)
        if row is None:
            row = ConceptRow(dataflow=concept.dataflow, id=concept.id, file_sha256=file_sha256)
            session.add(row)
            existing[(concept.dataflow, concept.id)] = row
            counts.inserted += 1
        elif (row.name, row.description, row.indicator) == values:
            counts.unchanged += 1
            continue
        else:
            counts.updated += 1
        row.name, row.description, row.indicator = values
        row.file_sha256 = file_sha256
    return counts


def concept_names(session: Session, dataflow: str | None = None) -> dict[str, str]:
    query = select(ConceptRow.id, ConceptRow.name)
    if dataflow is not None:
        query = query.where(ConceptRow.dataflow == dataflow)
    return {code: name for code, name in session.execute(query)}
