"""Loading UNODC's ICCS files into the store (``observatory iccs load FILE...``), reading them back.

ICCS's long texts (descriptions, inclusions, exclusions, notes) and its alphabetical index are
UNODC's sentences: the platform does not ship them but loads them from UNODC's own files, whose
layout is recognised by the header (names compared ignoring case and accents):

* long: ``source_id,code,field,text``, one row per text element, one file per language. ``field``
  is title/description/inclusion/exclusion/note (plurals and Spanish names accepted). The language
  comes from the file name (stem ending ``_en``/``_es``), failing that from the ``title`` rows
  matched against the scheme's English and Spanish titles.
* codes: the wide code list ``code,level,parent_code,...,description,inclusions,exclusions,notes``;
  English texts; ``notes`` holds several notes joined by `` || ``.
* index: the alphabetical index ``term,iccs_code,code_exists_in_structure`` (English unless the
  name ends ``_es``). A term citing a code the structure lacks is kept with ``code_exists=False``
  and reported as a warning (the official index has 14 such errata).

Files are read as UTF-8 (with or without BOM), else Windows-1252 (UNODC's originals); non-breaking
spaces become spaces and cells are stripped. Row numbers count records, the header being row 1.

A call is all or nothing: every file is read and checked before anything is written, and the first
problem raises InvalidInput/UnknownFormat naming the file, row and column. Loading is idempotent:
the texts of one (code, language, field) are replaced only when a file brings different ones (the
earlier original stays kept); index terms are added once.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from observatory.catalog.iccs import Language, load_iccs
from observatory.errors import ErrorLocation, InvalidInput, NotFound, UnknownFormat
from observatory.iccs.tree import fold, normalise_code, parse_language
from observatory.model.classification import Scheme
from observatory.store.db import Store
from observatory.store.originals import keep_original, sha256_of
from observatory.store.tables import IccsIndexTerm, IccsText


class IccsFileFormat(Enum):
    """The layouts of UNODC's ICCS files; the value is the format recorded with the original."""

    long = "iccs-long"
    codes = "iccs-codes"
    index = "iccs-index"


class TextField(Enum):
    """The kinds of text UNODC gives for a category, in the order a detail page shows them."""

    title = "title"
    description = "description"
    inclusion = "inclusion"
    exclusion = "exclusion"
    note = "note"


FIELD_NAMES: dict[str, TextField] = {
    **{f.value: f for f in TextField},
    **{f.value + "s": f for f in TextField},
    "titulo": TextField.title,
    "descripcion": TextField.description,
    "inclusiones": TextField.inclusion,
    "exclusiones": TextField.exclusion,
    "nota": TextField.note,
    "notas": TextField.note,
}
HEADERS: dict[IccsFileFormat, frozenset[str]] = {
    IccsFileFormat.index: frozenset({"term", "iccs_code"}),
    IccsFileFormat.codes: frozenset(
        {"code", "level", "parent_code", "description", "inclusions", "exclusions", "notes"}
    ),
    IccsFileFormat.long: frozenset({"code", "field", "text"}),
}
CODES_COLUMNS = {
    "title": TextField.title,
    "description": TextField.description,
    "inclusions": TextField.inclusion,
    "exclusions": TextField.exclusion,
}
NOTE_SEPARATOR = " || "
_LANG_SUFFIX = re.compile(r"[_\-.](en|es)$", re.IGNORECASE)
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no", ""}


@dataclass
class IccsFileReport:
    """What loading one file found and changed."""

    file: str
    sha256: str
    format: IccsFileFormat
    language: Language
    encoding: str
    rows: int
    texts_inserted: int = 0
    texts_replaced: int = 0
    texts_unchanged: int = 0
    terms_inserted: int = 0
    terms_unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class IccsLoadReport:
    files: list[IccsFileReport] = field(default_factory=list)

    @property
    def texts_inserted(self) -> int:
        return sum(f.texts_inserted for f in self.files)

    @property
    def texts_replaced(self) -> int:
        return sum(f.texts_replaced for f in self.files)

    @property
    def terms_inserted(self) -> int:
        return sum(f.terms_inserted for f in self.files)

    @property
    def warnings(self) -> list[str]:
        return [f"{f.file}: {w}" for f in self.files for w in f.warnings]


@dataclass
class _Parsed:
    path: Path
    report: IccsFileReport
    texts: dict[tuple[str, TextField], list[str]] = field(default_factory=dict)
    terms: dict[tuple[str, str], bool] = field(default_factory=dict)


def _fail(path: Path, message: str, row: int | None = None, column: str | None = None) -> InvalidInput:
    return InvalidInput(message, location=ErrorLocation(file=str(path), row=row, column=column))


def _short(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


def _decode(path: Path) -> tuple[str, str]:
    """The text of ``path`` and the encoding it was read with."""
    if not path.is_file():
        raise NotFound("no such file", location=ErrorLocation(file=str(path)))
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise UnknownFormat("binary file, not an ICCS CSV file", location=ErrorLocation(file=str(path)))
    for encoding in ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not text.strip():
            raise _fail(path, "empty file; expected a CSV file with a header row")
        return text, encoding
    raise UnknownFormat("neither UTF-8 nor Windows-1252 text", location=ErrorLocation(file=str(path)))


def _detect(path: Path, header: list[str]) -> IccsFileFormat:
    names = set(header)
    for fmt, required in HEADERS.items():
        if required <= names:
            return fmt
    raise UnknownFormat(
        f"header {','.join(header)!r} is not an ICCS file; expected long (source_id,code,field,"
        "text), codes (code,level,parent_code,...,description,inclusions,exclusions,notes) "
        "or index (term,iccs_code,code_exists_in_structure)",
        location=ErrorLocation(file=str(path), row=1),
    )


def _clean(cell: str) -> str:
    return cell.replace("\xa0", " ").strip()


def _table(path: Path, text: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text))
    try:
        return list(reader)
    except csv.Error as exc:
        raise _fail(path, f"not readable as CSV ({exc})", reader.line_num) from None


def _records(path: Path, table: list[list[str]]) -> Iterator[tuple[int, dict[str, str]]]:
    header = [fold(name) for name in table[0]]
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise _fail(path, f"{len(cells)} cells, the header has {len(header)}", number)
        yield number, {name: _clean(cell) for name, cell in zip(header, cells, strict=True)}


def _code(path: Path, scheme: Scheme, value: str, row: int, column: str) -> str:
    try:
        return normalise_code(value, scheme)
    except (InvalidInput, NotFound) as exc:
        raise _fail(path, exc.message, row, column) from None


def _text_field(path: Path, value: str, row: int) -> TextField:
    found = FIELD_NAMES.get(fold(value))
    if found is None:
        choices = ", ".join(f.value for f in TextField)
        raise _fail(path, f"field {_short(value)} is not one of {choices}", row, "field")
    return found


def _language_by_titles(path: Path, scheme: Scheme, titles: list[str]) -> Language:
    """The language whose official titles the file's ``title`` rows match most often."""
    votes = {lang: 0 for lang in Language}
    folded = {fold(t) for t in titles}
    for cat in scheme:
        for lang in Language:
            votes[lang] += fold(cat.title(lang.value)) in folded
    best = max(votes, key=lambda lang: votes[lang])
    if votes[best] == 0 or list(votes.values()).count(votes[best]) > 1:
        raise _fail(path, "cannot tell the language: name the file *_en.csv or *_es.csv")
    return best


def _read_long(parsed: _Parsed, scheme: Scheme, table: list[list[str]]) -> list[str]:
    titles: list[str] = []
    for row, rec in _records(parsed.path, table):
        parsed.report.rows += 1
        code = _code(parsed.path, scheme, rec["code"], row, "code")
        kind = _text_field(parsed.path, rec["field"], row)
        if not rec["text"]:
            parsed.report.warnings.append(f"row {row}: empty {kind.value} of {code} skipped")
            continue
        parsed.texts.setdefault((code, kind), []).append(rec["text"])
        if kind is TextField.title:
            titles.append(rec["text"])
            if len(parsed.texts[(code, kind)]) > 1:
                parsed.report.warnings.append(f"row {row}: a second title for {code}")
    return titles


def _read_codes(parsed: _Parsed, scheme: Scheme, table: list[list[str]]) -> None:
    for row, rec in _records(parsed.path, table):
        parsed.report.rows += 1
        code = _code(parsed.path, scheme, rec["code"], row, "code")
        if rec["level"] != str(scheme[code].level) or rec["parent_code"] != (scheme[code].parent or ""):
            parsed.report.warnings.append(f"row {row}: level/parent of {code} differ from ICCS")
        for column, kind in CODES_COLUMNS.items():
            if rec.get(column):
                parsed.texts[(code, kind)] = [rec[column]]
        notes = [n.strip() for n in rec["notes"].split(NOTE_SEPARATOR) if n.strip()]
        if notes:
            parsed.texts[(code, TextField.note)] = notes


def _read_index(parsed: _Parsed, scheme: Scheme, table: list[list[str]]) -> None:
    for row, rec in _records(parsed.path, table):
        parsed.report.rows += 1
        term, cited = rec["term"], rec["iccs_code"]
        if not term:
            raise _fail(parsed.path, "empty term", row, "term")
        if not re.fullmatch(r"\d{2,6}", cited):
            raise _fail(parsed.path, f"{_short(cited)} is not an ICCS code", row, "iccs_code")
        flag = fold(rec.get("code_exists_in_structure", ""))
        if flag not in _TRUE | _FALSE:
            raise _fail(parsed.path, f"{flag!r} is not true/false", row, "code_exists_in_structure")
        exists = cited in scheme
        if not exists:
            parsed.report.warnings.append(
                f"row {row}: {_short(term)} cites {cited}, not an ICCS {scheme.version} code"
            )
        elif flag in _FALSE - {""}:
            parsed.report.warnings.append(f"row {row}: {cited} exists, the file says it does not")
        if (term, cited) in parsed.terms:
            parsed.report.warnings.append(f"row {row}: {_short(term)} -> {cited} repeated")
        parsed.terms[(term, cited)] = exists


def _parse(path: Path, scheme: Scheme) -> _Parsed:
    text, encoding = _decode(path)
    table = _table(path, text)
    fmt = _detect(path, [fold(name) for name in table[0]])
    suffix = _LANG_SUFFIX.search(path.stem)
    named = Language(suffix.group(1).lower()) if suffix else None
    report = IccsFileReport(path.name, sha256_of(path), fmt, named or Language.en, encoding, 0)
    parsed = _Parsed(path, report)
    if fmt is IccsFileFormat.long:
        titles = _read_long(parsed, scheme, table)
        report.language = named or _language_by_titles(path, scheme, titles)
    elif fmt is IccsFileFormat.codes:
        _read_codes(parsed, scheme, table)
        report.language = Language.en
    else:
        _read_index(parsed, scheme, table)
    if report.rows == 0:
        raise _fail(path, "header only, no rows")
    return parsed


def _write_texts(session: Session, parsed: _Parsed) -> None:
    report, lang = parsed.report, parsed.report.language.value
    existing: dict[tuple[str, str], list[str]] = {}
    query = select(IccsText).where(IccsText.lang == lang).order_by(IccsText.seq)
    for row in session.scalars(query):
        existing.setdefault((row.code, row.field), []).append(row.text)
    for (code, kind), texts in parsed.texts.items():
        old = existing.get((code, kind.value))
        if old == texts:
            report.texts_unchanged += len(texts)
            continue
        if old:
            session.execute(
                delete(IccsText).where(
                    IccsText.code == code, IccsText.lang == lang, IccsText.field == kind.value
                )
            )
            report.texts_replaced += len(texts)
        else:
            report.texts_inserted += len(texts)
        session.add_all(
            IccsText(code=code, lang=lang, field=kind.value, seq=seq, text=t, file_sha256=report.sha256)
            for seq, t in enumerate(texts)
        )
    session.flush()


def _write_terms(session: Session, parsed: _Parsed) -> None:
    report, lang = parsed.report, parsed.report.language.value
    query = select(IccsIndexTerm.term, IccsIndexTerm.code).where(IccsIndexTerm.lang == lang)
    known = {(term, code) for term, code in session.execute(query)}
    for (term, code), exists in parsed.terms.items():
        if (term, code) in known:
            report.terms_unchanged += 1
            continue
        session.add(
            IccsIndexTerm(term=term, lang=lang, code=code, code_exists=exists, file_sha256=report.sha256)
        )
        report.terms_inserted += 1
    session.flush()


def load_files(store: Store, paths: list[Path], scheme: Scheme | None = None) -> IccsLoadReport:
    """Load UNODC's ICCS files (any mix of the layouts), all or nothing; see the module doc."""
    scheme = scheme or load_iccs()
    if not paths:
        raise InvalidInput("no files given; pass one or more ICCS CSV files")
    parsed = [_parse(Path(p), scheme) for p in paths]
    with store.session() as session:
        for item in parsed:
            keep_original(
                session,
                store.settings,
                item.path,
                fmt=item.report.format.value,
                encoding=item.report.encoding,
                sha256=item.report.sha256,
            )
            _write_texts(session, item)
            _write_terms(session, item)
    return IccsLoadReport([item.report for item in parsed])


def texts_for(store: Store, code: str, lang: Language | str = Language.en) -> dict[str, list[str]]:
    """The loaded texts of ``code`` in ``lang``: field -> texts, fields in TextField order."""
    official = normalise_code(code)
    query = (
        select(IccsText.field, IccsText.text)
        .where(IccsText.code == official, IccsText.lang == parse_language(lang).value)
        .order_by(IccsText.seq)
    )
    with store.session() as session:
        rows = list(session.execute(query))
    found: dict[str, list[str]] = {}
    for kind in TextField:
        texts = [text for name, text in rows if name == kind.value]
        if texts:
            found[kind.value] = texts
    return found


def index_terms_for(store: Store, code: str) -> list[str]:
    """Index terms filed under ``code`` (any language), sorted ignoring case and accents."""
    official = normalise_code(code)
    with store.session() as session:
        terms = session.scalars(select(IccsIndexTerm.term).where(IccsIndexTerm.code == official))
        return sorted(set(terms), key=fold)
