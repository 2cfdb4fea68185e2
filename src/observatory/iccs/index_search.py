"""Searching the ICCS alphabetical index loaded into the store (``observatory iccs load``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from observatory.errors import InvalidInput
from observatory.iccs.tree import fold
from observatory.store.db import Store
from observatory.store.tables import IccsIndexTerm


@dataclass(frozen=True)
class IndexHit:
    term: str
    lang: str
    code: str
    code_exists: bool


def search_index(store: Store, text: str, *, lang: str | None = None, limit: int = 50) -> list[IndexHit]:
    """Index terms containing every word of ``text`` (case and accents ignored); whole phrase first."""
    query = fold(text)
    if not query:
        raise InvalidInput("search text is empty; give words of an offence", code="missing-value")
    words = query.split()
    statement = select(IccsIndexTerm.term, IccsIndexTerm.lang, IccsIndexTerm.code, IccsIndexTerm.code_exists)
    if lang:
        statement = statement.where(IccsIndexTerm.lang == lang)
    with store.session() as session:
        rows = session.execute(statement).all()
    ranked: list[tuple[int, str, IndexHit]] = []
    for term, term_lang, code, exists in rows:
        folded = fold(term)
        if not all(word in folded for word in words):
            continue
        rank = 0 if folded == query else 1 if folded.startswith(query) else 2 if query in folded else 3
        ranked.append((rank, folded, IndexHit(term, term_lang, code, exists)))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [hit for _, _, hit in ranked[:limit]]
