"""Text normalisation for the ICCS coder: folding, tokens, stop words and a light stemmer (en/es/fr).

The stemmer is deliberately crude and language-tolerant: it folds case and accents, strips the
commonest inflections of the language and truncates to :data:`STEM_LENGTH` characters, so that
cognates across English, Spanish and French meet (``homicide``/``homicidio``/``homicides`` ->
``homici``; ``violence``/``violencia`` -> ``violen``).

>>> stems("Robos con violencia o intimidación", Lang.es)
('robo', 'violen', 'intimi')
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from functools import lru_cache

from observatory.errors import InvalidInput

STEM_LENGTH = 6
_TOKEN = re.compile(r"[a-z0-9]+")
_FOOTNOTE = re.compile(r"\*\d+")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


class Lang(Enum):
    """Languages the coder reads."""

    en = "en"
    es = "es"
    fr = "fr"


def parse_lang(value: Lang | str) -> Lang:
    """``"ES"`` -> ``Lang.es``; anything else is a located one-line error."""
    if isinstance(value, Lang):
        return value
    try:
        return Lang(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(lang.value for lang in Lang)
        raise InvalidInput(
            f"language {value!r} is not one the coder reads; use one of {choices}",
            code="unknown-language",
        ) from None


STOPWORDS: frozenset[str] = _word_set(
    # English
    "a an and any are as at be by for from in into is it its not of on or other others the their "
    "to under upon with without which who whose etc all such than that this these those per via "
    # Spanish
    "al con contra de del el en entre es la las los o otra otras otro otros para por que se sin "
    "sobre su sus u un una uno unos unas y e lo cual cuando sea "
    # French
    "au aux avec ce ces dans des du en et l d la le les ou par pour qui sans se son sur un une "
    "autre autres ne pas est"
)

_SUFFIXES: dict[Lang, tuple[str, ...]] = {
    Lang.en: ("ings", "ing", "ies", "ed", "es", "s"),
    Lang.es: ("ciones", "siones", "es", "s"),
    Lang.fr: ("ements", "ement", "es", "s", "x"),
}
_KEEP: dict[Lang, tuple[str, ...]] = {
    Lang.en: ("ss", "us", "is", "ous"),
    Lang.es: ("is",),
    Lang.fr: ("us", "is", "ss"),
}


def fold(text: str) -> str:
    """Casefold, strip accents and footnote markers (``Murder*1`` -> ``murder``)."""
    text = _FOOTNOTE.sub(" ", text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def stem(token: str, lang: Lang = Lang.en) -> str:
    """The light stem of one folded token."""
    if len(token) > 4 and not token.endswith(_KEEP[lang]):
        for suffix in _SUFFIXES[lang]:
            if token.endswith(suffix) and len(token) - len(suffix) >= 4:
                token = token[: -len(suffix)]
                if suffix in ("ciones", "siones"):
                    token += "cion"
                break
    return token[:STEM_LENGTH]


def words(text: str) -> list[str]:
    """Folded word tokens, stop words kept."""
    return _TOKEN.findall(fold(text))


def stems(text: str, lang: Lang = Lang.en) -> tuple[str, ...]:
    """Distinct stems of the content words of ``text``, in order of appearance."""
    seen: dict[str, None] = {}
    for word in words(text):
        if word in STOPWORDS or word.isdigit():
            continue
        seen.setdefault(stem(word, lang), None)
    return tuple(seen)


RESIDUAL_WORDS: frozenset[str] = _word_set(
    "other others otherwise miscellaneous misc various sundry nec remaining "
    "otro otra otros otras demas diversos diversas varios varias restantes "
    "autre autres divers diverses"
)
_RESIDUAL_PHRASES = ("not elsewhere", "no clasificad", "non classe", "sin especificar", "no especificad")


def is_residual(text: str) -> bool:
    """Whether a label or ICCS text names a catch-all ("Other theft", "Otros delitos", "n.e.c.")."""
    folded = fold(text)
    return bool(RESIDUAL_WORDS.intersection(words(folded))) or any(p in folded for p in _RESIDUAL_PHRASES)
