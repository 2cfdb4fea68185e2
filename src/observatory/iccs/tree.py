"""Lookups over the ICCS code tree: normalising codes, a category's detail, searching titles.

Pure functions over a :class:`~observatory.model.classification.Scheme` (ICCS v1.0 by default);
the long texts and index terms a detail view shows are read from the store by
:mod:`observatory.iccs.texts` and passed in.

Accepted spellings of a code, tried in this order:

1. the official zero-padded code: ``"01"``, ``"0101"``, ``"01031"``, ``"010321"``;
2. the identifier of UNODC's export, which drops the leading zero (``"1"``, ``"101"``,
   ``"1031"``, ``"10321"``): when the text is not itself a code, one leading zero is put back if
   that gives a code. An exact match always wins, so ``"10"`` is section 10 and ``"1031"`` is
   ``"01031"`` (there is no code ``"1031"``). In ICCS v1.0 no stripped code collides with another
   code, so this is never a guess; :func:`ambiguous_stripped_codes` lists the collisions of a scheme
   (none for ICCS);
3. a hierarchical id, the path from the section down, joined by dots: ``"01.0103.01031"``; each part
   may use the spellings above, and the path must be the code's real path.

>>> normalise_code("1031")
'01031'
>>> normalise_code("01.0103.01031")
'01031'
>>> category_detail(load_iccs(), "101", lang="es").title
'Homicidio intencional'
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from observatory.catalog.iccs import Language, load_iccs
from observatory.errors import InvalidInput, NotFound
from observatory.model.classification import Category, Scheme

ACCEPTED_FORMS = (
    "an ICCS code such as 01, 0101, 01031 or 010321; the same without the leading zero as in "
    "UNODC's export (1, 101, 1031); or a hierarchical id such as 01.0103.01031"
)
_DIGITS = re.compile(r"\d{1,6}")
_MAX_CODE_LENGTH = 6


@dataclass(frozen=True)
class CodeTitle:
    """A code with its title in the language asked for."""

    code: str
    title: str


@dataclass(frozen=True)
class CategoryDetail:
    """Everything a detail page shows about one ICCS category."""

    code: str
    level: int
    title: str
    titles: dict[str, str]
    parent: CodeTitle | None
    ancestors: list[CodeTitle]
    children: list[CodeTitle]
    hierarchical_id: str
    is_leaf: bool
    texts: dict[str, list[str]] = field(default_factory=dict)
    index_terms: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SearchHit:
    """A category whose title (or code) matches a search, best first."""

    code: str
    level: int
    title: str
    hierarchical_id: str


def parse_language(value: Language | str) -> Language:
    """``"en"``/``"es"`` (any case) as a :class:`Language`, or InvalidInput naming the choices."""
    try:
        return Language(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(lang.value for lang in Language)
        raise InvalidInput(f"language {value!r} is not available; use one of {choices}") from None


def _padded_candidates(text: str, scheme: Scheme) -> list[str]:
    return [
        "0" * zeros + text
        for zeros in range(1, _MAX_CODE_LENGTH - len(text) + 1)
        if "0" * zeros + text in scheme
    ]


def ambiguous_stripped_codes(scheme: Scheme) -> list[str]:
    """Codes ``c`` whose ``c.lstrip("0")`` is another code (which wins, being an exact match)."""
    return sorted(
        cat.code for cat in scheme if cat.code.lstrip("0") != cat.code and cat.code.lstrip("0") in scheme
    )


def _deepest_prefix(text: str, scheme: Scheme) -> str | None:
    return next((text[:cut] for cut in range(len(text) - 1, 1, -1) if text[:cut] in scheme), None)


def close_codes(text: str, scheme: Scheme, limit: int = 5) -> list[str]:
    """Codes that look like ``text``: siblings under its deepest existing prefix, then look-alikes.

    ``text`` is also tried with a leading zero put back (UNODC's stripped ids); the spelling whose
    prefix reaches deeper into the tree is preferred.
    """
    probes = [text]
    if not text.startswith("0") and len(text) < _MAX_CODE_LENGTH:
        probes.append("0" + text)
    probe = max(probes, key=lambda p: len(_deepest_prefix(p, scheme) or ""))
    near: list[str] = []
    prefix = _deepest_prefix(probe, scheme)
    if prefix is not None:
        siblings = [cat.code for cat in scheme.children(prefix)]
        near += [*difflib.get_close_matches(probe, siblings, n=limit, cutoff=0), prefix]
    near += difflib.get_close_matches(probe, [cat.code for cat in scheme], n=limit, cutoff=0.6)
    return list(dict.fromkeys(near))[:limit]


def _resolve_one(text: str, scheme: Scheme, original: str) -> str:
    if not _DIGITS.fullmatch(text):
        raise InvalidInput(f"{original!r} is not an {scheme.id} code; accepted: {ACCEPTED_FORMS}")
    if text in scheme:
        return text
    candidates = _padded_candidates(text, scheme)
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        raise InvalidInput(
            f"{original!r} could be any of {', '.join(candidates)}; give the full code",
        )
    near = close_codes(text, scheme)
    hint = f"; close codes: {', '.join(near)}" if near else ""
    raise NotFound(f"{original!r} is not an {scheme.id} {scheme.version} code{hint}")


def normalise_code(text: str, scheme: Scheme | None = None) -> str:
    """The official code for ``text`` (see the module docstring for the accepted spellings).

    Raises InvalidInput for text that is not a code spelling at all, NotFound for a well-formed code
    the scheme does not have (with close codes suggested).
    """
    scheme = scheme or load_iccs()
    cleaned = text.strip()
    if "." not in cleaned:
        return _resolve_one(cleaned, scheme, text)
    parts = [_resolve_one(part.strip(), scheme, text) for part in cleaned.split(".")]
    code = parts[-1]
    expected = scheme.hierarchical_id(code)
    if ".".join(parts) != expected:
        raise InvalidInput(
            f"{text!r} is not the path of {code} in {scheme.id}; its hierarchical id is {expected}",
        )
    return code


def _code_title(cat: Category, lang: Language) -> CodeTitle:
    return CodeTitle(cat.code, cat.title(lang.value))


def category_detail(
    scheme: Scheme,
    code: str,
    *,
    lang: Language | str = Language.en,
    texts: Mapping[str, Sequence[str]] | None = None,
    index_terms: Sequence[str] | None = None,
) -> CategoryDetail:
    """One category with its place in the tree; titles in ``lang`` (English where missing)."""
    language = parse_language(lang)
    cat = scheme[normalise_code(code, scheme)]
    parent = scheme.get(cat.parent) if cat.parent else None
    return CategoryDetail(
        code=cat.code,
        level=cat.level,
        title=cat.title(language.value),
        titles=dict(cat.titles),
        parent=_code_title(parent, language) if parent else None,
        ancestors=[_code_title(a, language) for a in scheme.ancestors(cat.code)],
        children=[_code_title(c, language) for c in scheme.children(cat.code)],
        hierarchical_id=scheme.hierarchical_id(cat.code),
        is_leaf=scheme.is_leaf(cat.code),
        texts={name: list(values) for name, values in (texts or {}).items()},
        index_terms=list(index_terms or []),
    )


def fold(text: str) -> str:
    """Lower case, accents removed, whitespace collapsed: ``"Intención  X"`` -> ``"intencion x"``"""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _rank(query: str, words: list[str], title: str) -> int | None:
    """0 whole title, 1 starts with the query, 2 has the phrase, 3 has every word; else None."""
    if title == query:
        return 0
    if title.startswith(query):
        return 1
    if query in title:
        return 2
    if all(word in title for word in words):
        return 3
    return None


def search(
    scheme: Scheme, text: str, *, lang: Language | str = Language.en, limit: int = 20
) -> list[SearchHit]:
    """Categories whose title in ``lang`` contains ``text`` (case and accents ignored), best first.

    A query that is itself a code spelling (``"0101"``, ``"101"``) puts that category first. Ties
    are broken by level (broader first), then code.
    """
    language = parse_language(lang)
    query = fold(text)
    if not query:
        raise InvalidInput("search text is empty; give words of a title (or a code)")
    if limit < 1:
        raise InvalidInput(f"limit {limit} must be at least 1")
    ranked: list[tuple[int, int, str]] = []
    try:
        exact = normalise_code(text, scheme)
    except (InvalidInput, NotFound):
        exact = None
    words = query.split()
    for cat in scheme:
        rank = -1 if cat.code == exact else _rank(query, words, fold(cat.title(language.value)))
        if rank is not None:
            ranked.append((rank, cat.level, cat.code))
    ranked.sort()
    return [
        SearchHit(
            code,
            scheme[code].level,
            scheme[code].title(language.value),
            scheme.hierarchical_id(code),
        )
        for _, _, code in ranked[:limit]
    ]
