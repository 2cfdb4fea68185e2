"""The data dictionary of a crime-victimization survey: which questionnaire item measures which concept.

A dictionary is TOML (see ``docs/reference.md``, *Survey data dictionary*)::

    [dictionary]
    title = "National victimization survey 2024"
    sex = { item = "sex", male = [1], female = [2] }

    [[victimization]]                      # one per crime type, coded to ICCS
    item = "v_robbery"                     # victim in the last 12 months
    iccs = "0401"
    yes = [1]
    no = [2]                               # other codes (don't know, refused) are missing
    reported = { item = "r_robbery", yes = [1], no = [2] }   # asked of victims only

    [bribery]                              # SDG 16.5.1
    contact = { item = "contact_official", yes = [1], no = [2] }
    paid = { item = "bribe_paid", yes = [1], no = [2] }

    [safety]                               # SDG 16.1.4
    item = "safe_walking"
    yes = [1, 2]
    no = [3, 4]

Every item is checked against the data when the dictionary is applied (:meth:`Dictionary.check`), every
ICCS code against the ICCS v1.0 tree when it is read: an unknown code is refused naming the item.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from observatory.catalog.iccs import load_iccs
from observatory.errors import ErrorLocation, InvalidInput, NotFound
from observatory.surveys.design import FloatArray, require_columns


def _refuse(message: str, source: str | None, field: str, code: str = "invalid-dictionary") -> InvalidInput:
    return InvalidInput(message, code=code, location=ErrorLocation(file=source, field=field))


def _codes(value: Any, source: str | None, field: str) -> tuple[float, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in items):
        raise _refuse(f"{field} must be a code or a list of codes (numbers), got {value!r}", source, field)
    return tuple(float(v) for v in items)


@dataclass(frozen=True)
class Item:
    """A yes/no question: the codes meaning yes and no; any other value (don't know, refused) is missing."""

    item: str
    yes: tuple[float, ...]
    no: tuple[float, ...]

    @classmethod
    def parse(cls, value: Any, source: str | None, field: str) -> Item:
        if not isinstance(value, Mapping):
            raise _refuse(f"{field} must be a table with item, yes and no", source, field)
        unknown = sorted(set(value) - {"item", "yes", "no"})
        if unknown:
            raise _refuse(f"{field}: unknown key(s) {', '.join(unknown)}", source, f"{field}.{unknown[0]}")
        name = value.get("item")
        if not isinstance(name, str) or not name:
            raise _refuse(f"{field} needs item (the column of the question)", source, f"{field}.item")
        yes = _codes(value.get("yes"), source, f"{field}.yes")
        no = _codes(value.get("no"), source, f"{field}.no")
        overlap = set(yes) & set(no)
        if overlap:
            raise _refuse(f"{field}: code {min(overlap):g} is both yes and no", source, f"{field}.yes")
        return cls(name, yes, no)

    def indicator(self, data: pd.DataFrame) -> FloatArray:
        """1.0 for yes, 0.0 for no, NaN for anything else (missing, don't know, refused)."""
        values = pd.to_numeric(data[self.item], errors="coerce").to_numpy(dtype=np.float64)
        out = np.full(values.shape, np.nan)
        out[np.isin(values, self.no)] = 0.0
        out[np.isin(values, self.yes)] = 1.0
        return out


@dataclass(frozen=True)
class CrimeType:
    """Victimization by one crime type (an ICCS code), and optionally whether it was reported."""

    iccs: str
    title: str
    victim: Item
    reported: Item | None = None


@dataclass(frozen=True)
class Sex:
    item: str
    male: tuple[float, ...]
    female: tuple[float, ...]

    def codes(self, data: pd.DataFrame) -> pd.Series:
        """``M``/``F`` per row (None where the sex is not one of the codes)."""
        values = pd.to_numeric(data[self.item], errors="coerce")
        out = pd.Series([None] * len(data), index=data.index, dtype=object)
        out[values.isin(self.male)] = "M"
        out[values.isin(self.female)] = "F"
        return out


@dataclass(frozen=True)
class Dictionary:
    """A checked data dictionary (see the module docstring)."""

    title: str
    crimes: tuple[CrimeType, ...]
    sex: Sex | None = None
    contact: Item | None = None
    bribe: Item | None = None
    safety: Item | None = None
    source: str | None = None

    @property
    def items(self) -> tuple[str, ...]:
        """Every column the dictionary reads, in order, without repeats."""
        names: list[str] = [self.sex.item] if self.sex else []
        for crime in self.crimes:
            names.append(crime.victim.item)
            if crime.reported:
                names.append(crime.reported.item)
        names += [i.item for i in (self.contact, self.bribe, self.safety) if i is not None]
        return tuple(dict.fromkeys(names))

    def check(self, data: pd.DataFrame, source: str | None) -> None:
        """Refuse a dictionary item the data do not have (``unknown-variable``, naming it)."""
        require_columns(data, self.items, source)

    @classmethod
    def from_mapping(cls, parsed: Mapping[str, Any], source: str | None = None) -> Dictionary:
        unknown = sorted(set(parsed) - {"dictionary", "victimization", "bribery", "safety"})
        if unknown:
            raise _refuse(f"unknown table(s) {', '.join(unknown)}", source, unknown[0])
        head = parsed.get("dictionary", {})
        title = str(head.get("title", "")) if isinstance(head, Mapping) else ""
        sex = None
        if isinstance(head, Mapping) and "sex" in head:
            spec = head["sex"]
            if not isinstance(spec, Mapping) or not isinstance(spec.get("item"), str):
                raise _refuse("dictionary.sex needs item, male and female", source, "dictionary.sex")
            male = _codes(spec.get("male"), source, "dictionary.sex.male")
            female = _codes(spec.get("female"), source, "dictionary.sex.female")
            sex = Sex(spec["item"], male, female)
        crimes = tuple(_crime(entry, n, source) for n, entry in enumerate(parsed.get("victimization", [])))
        seen: set[str] = set()
        for crime in crimes:
            if crime.iccs in seen:
                raise _refuse(f"ICCS {crime.iccs} is listed twice", source, f"victimization {crime.iccs}")
            seen.add(crime.iccs)
        bribery = parsed.get("bribery")
        contact = bribe = None
        if bribery is not None:
            if not isinstance(bribery, Mapping) or not {"contact", "paid"} <= set(bribery):
                raise _refuse("bribery needs contact and paid", source, "bribery")
            contact = Item.parse(bribery["contact"], source, "bribery.contact")
            bribe = Item.parse(bribery["paid"], source, "bribery.paid")
        safety = Item.parse(parsed["safety"], source, "safety") if "safety" in parsed else None
        if not crimes and bribe is None and safety is None:
            raise _refuse(
                "the dictionary maps no item: add [[victimization]], [bribery] or [safety]", source, ""
            )
        return cls(title, crimes, sex, contact, bribe, safety, source)


def _crime(entry: Any, number: int, source: str | None) -> CrimeType:
    field = f"victimization[{number}]"
    if not isinstance(entry, Mapping):
        raise _refuse(f"{field} must be a table", source, field)
    name = entry.get("item", "?")
    code = entry.get("iccs")
    if not isinstance(code, str):
        raise _refuse(
            f'item {name!r}: iccs must be an ICCS code as text ("0401"), got {code!r}',
            source,
            f"{field}.iccs",
        )
    found = load_iccs().get(code.strip())
    if found is None:
        raise InvalidInput(
            f"item {name!r}: {code!r} is not an ICCS v1.0 code",
            code="unknown-iccs-code",
            location=ErrorLocation(file=source, field=f"{field}.iccs"),
        )
    victim = Item.parse({k: v for k, v in entry.items() if k in ("item", "yes", "no")}, source, field)
    extra = sorted(set(entry) - {"item", "yes", "no", "iccs", "reported"})
    if extra:
        raise _refuse(f"{field}: unknown key(s) {', '.join(extra)}", source, f"{field}.{extra[0]}")
    reported = Item.parse(entry["reported"], source, f"{field}.reported") if "reported" in entry else None
    return CrimeType(found.code, found.title(), victim, reported)


def load_dictionary(path: Path) -> Dictionary:
    """A dictionary from its TOML file, every item and ICCS code checked."""
    if not path.is_file():
        raise NotFound(
            f"no such dictionary file: {path}", code="file-not-found", location=ErrorLocation(file=str(path))
        )
    try:
        parsed = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"not valid TOML: {exc}", code="invalid-dictionary", location=ErrorLocation(file=str(path))
        ) from None
    return Dictionary.from_mapping(parsed, str(path))
