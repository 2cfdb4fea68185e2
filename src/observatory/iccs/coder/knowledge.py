"""What the coder knows: ICCS texts, the alphabetical index, the lexicon and confirmed mappings.

The texts are UNODC's and are read at run time, from the store (after ``observatory iccs load``)
or from UNODC's export files; nothing of them is shipped. Every text becomes *phrases* (an index
term, one inclusion or exclusion item, a title, a lexicon entry, a confirmed label) matched whole
against a label, and feeds the per-code bag of stems that BM25 scores.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from observatory.errors import ErrorLocation, InvalidInput, NotFound
from observatory.iccs.coder.lexicon import load_lexicon
from observatory.iccs.coder.proposal import EvidenceKind
from observatory.iccs.coder.text import Lang, fold, is_residual, stems
from observatory.model.classification import Scheme
from observatory.store.db import Store
from observatory.store.tables import IccsIndexTerm, IccsText

_CITED = re.compile(r"\((\d{2,6})\)")
_LANG_SUFFIX = re.compile(r"[_\-.](en|es|fr)$", re.IGNORECASE)
# How much a matched phrase of each kind counts, and how much its stems weigh in BM25 documents.
PHRASE_WEIGHT: dict[EvidenceKind, float] = {
    EvidenceKind.confirmed_mapping: 1.25,
    EvidenceKind.index_term: 1.0,
    EvidenceKind.lexicon: 0.95,
    EvidenceKind.title: 0.9,
    EvidenceKind.inclusion: 0.85,
    EvidenceKind.exclusion: 0.8,
}
DOC_WEIGHT: dict[str, float] = {"title": 3.0, "inclusion": 2.0, "index": 2.0, "description": 1.0, "note": 0.3}


@dataclass(frozen=True)
class Phrase:
    """One matchable text: ``code`` is where it is filed; ``cited`` the code an exclusion points to."""

    kind: EvidenceKind
    text: str
    code: str
    lang: Lang
    stems: tuple[str, ...]
    cited: str | None = None
    residual: bool = False  # "Other acts of theft": a catch-all, right only when nothing else fits


@dataclass(frozen=True)
class TextRow:
    code: str
    lang: str
    field: str
    text: str


@dataclass
class Sources:
    """The raw material, before it is indexed."""

    texts: list[TextRow] = field(default_factory=list)
    index: list[tuple[str, str, str]] = field(default_factory=list)  # term, code, lang

    def __len__(self) -> int:
        return len(self.texts) + len(self.index)


def split_items(text: str) -> list[str]:
    """An inclusion/exclusion text as its items: ``"Murder*1; femicide*6."`` -> two items."""
    items = []
    for part in text.split(";"):
        part = re.sub(r"\*\d+", "", part).strip().rstrip(".").strip()
        if part:
            items.append(part)
    return items


def sources_from_store(store: Store, langs: Sequence[str] = ("en", "es")) -> Sources:
    """The ICCS texts and index terms loaded into the store, in ``langs``."""
    found = Sources()
    with store.session() as session:
        query = select(IccsText.code, IccsText.lang, IccsText.field, IccsText.text).where(
            IccsText.lang.in_(list(langs))
        )
        found.texts = [TextRow(*row) for row in session.execute(query.order_by(IccsText.id))]
        terms = select(IccsIndexTerm.term, IccsIndexTerm.code, IccsIndexTerm.lang).where(
            IccsIndexTerm.code_exists.is_(True)
        )
        found.index = [(t, c, lang) for t, c, lang in session.execute(terms)]
    return found


def _lang_of(path: Path) -> str:
    match = _LANG_SUFFIX.search(path.stem)
    return match.group(1).lower() if match else "en"


def sources_from_files(paths: Iterable[Path], scheme: Scheme) -> Sources:
    """UNODC's export files: long (``code,field,text``), codes (wide) or index (``term,iccs_code``)."""
    found = Sources()
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise NotFound("no such file", location=ErrorLocation(file=str(path)))
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
        rows = list(csv.DictReader(io.StringIO(text)))
        header = {fold(name).strip() for name in (rows[0].keys() if rows else [])}
        lang = _lang_of(path)
        if {"term", "iccs_code"} <= header:
            found.index += [(r["term"].strip(), r["iccs_code"].strip(), lang) for r in rows]
        elif {"code", "field", "text"} <= header:
            found.texts += [
                TextRow(r["code"].strip(), lang, r["field"].strip().lower(), r["text"]) for r in rows
            ]
        elif {"code", "title", "inclusions", "exclusions"} <= header:
            for r in rows:
                for column, kind in (("description", "description"), ("inclusions", "inclusion")):
                    if r.get(column):
                        found.texts.append(TextRow(r["code"], "en", kind, r[column]))
                if r.get("exclusions"):
                    found.texts.append(TextRow(r["code"], "en", "exclusion", r["exclusions"]))
        else:
            raise InvalidInput(
                "not an ICCS export file; expected columns code,field,text (long texts), "
                "term,iccs_code (alphabetical index) or the wide code list",
                location=ErrorLocation(file=str(path), row=1),
            )
    found.index = [(t, c, lang) for t, c, lang in found.index if c in scheme]
    found.texts = [row for row in found.texts if row.code in scheme]
    return found


def _lang(value: str) -> Lang:
    try:
        return Lang(value)
    except ValueError:
        return Lang.en


def _add_text(
    row: TextRow,
    scheme: Scheme,
    add: Callable[[EvidenceKind, str, str, Lang, str | None], None],
    add_doc: Callable[[str, Iterable[str], float], None],
) -> None:
    lang = _lang(row.lang)
    if row.field in ("inclusion", "inclusions"):
        for item in split_items(row.text):
            add(EvidenceKind.inclusion, item, row.code, lang, None)
        add_doc(row.code, stems(row.text, lang), DOC_WEIGHT["inclusion"])
    elif row.field in ("exclusion", "exclusions"):
        for item in split_items(row.text):
            cited = _CITED.search(item)
            target = cited.group(1) if cited and cited.group(1) in scheme else None
            add(EvidenceKind.exclusion, _CITED.sub("", item).strip(), row.code, lang, target)
    elif row.field in ("description", "note", "notes"):
        weight = DOC_WEIGHT["description" if row.field == "description" else "note"]
        add_doc(row.code, stems(row.text, lang), weight)


def build_phrases(
    scheme: Scheme, sources: Sources, exclude_terms: Collection[str] = ()
) -> tuple[list[Phrase], dict[str, dict[str, float]]]:
    """Every phrase, and each code's document (stem -> weighted count) for BM25."""
    excluded = {fold(term).strip() for term in exclude_terms}
    phrases: list[Phrase] = []
    docs: dict[str, dict[str, float]] = {cat.code: {} for cat in scheme}

    def add_doc(code: str, stem_list: Iterable[str], weight: float) -> None:
        doc = docs[code]
        for s in stem_list:
            doc[s] = doc.get(s, 0.0) + weight

    def add(kind: EvidenceKind, text: str, code: str, lang: Lang, cited: str | None = None) -> None:
        found = stems(text, lang)
        if found:
            residual = kind is not EvidenceKind.exclusion and is_residual(text)
            phrases.append(Phrase(kind, text, code, lang, found, cited, residual))

    for cat in scheme:
        for lang_code, title in cat.titles.items():
            lang = _lang(lang_code)
            add(EvidenceKind.title, title, cat.code, lang)
            add_doc(cat.code, stems(title, lang), DOC_WEIGHT["title"])
    for row in sources.texts:
        _add_text(row, scheme, add, add_doc)
    terms = [
        (EvidenceKind.index_term, term, code, _lang(lang_code))
        for term, code, lang_code in sources.index
        if fold(term).strip() not in excluded
    ]
    terms += [(EvidenceKind.lexicon, e.term, e.code, Lang(e.lang)) for e in load_lexicon(scheme)]
    for kind, term, code, lang in terms:
        add(kind, term, code, lang)
        add_doc(code, stems(term, lang), DOC_WEIGHT["index"])
    return phrases, docs
