"""Loading the standards-and-norms compendium from ``catalog/data/norms/``.

``instruments.toml`` lists the clusters and the instrument ids in order; ``instruments/<id>.toml`` holds
one instrument; ``relations.toml`` the typed cross-links. Everything is checked on loading: an unknown
cluster, a duplicated rule number, a file whose id differs from its name, a relation to a rule that does
not exist, or a complete instrument whose count differs from ``expected_count`` is an
:class:`~observatory.errors.InvalidInput` naming the file and the item.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from observatory.errors import ErrorLocation, InvalidInput
from observatory.model.norm import (
    Cluster,
    ClusterInfo,
    Compendium,
    Instrument,
    Relation,
    RelationKind,
    Rule,
    RuleRef,
    Section,
)

NORMS_DIR = Path(__file__).parent / "data" / "norms"
REQUIRED = ("id", "name", "short_name", "cluster", "adopted_by", "resolution", "year", "item")


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(
            f"{path.name} is missing", code="file-not-found", location=ErrorLocation(file=path.name)
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(
            f"not valid TOML: {exc}", code="invalid-toml", location=ErrorLocation(file=path.name)
        ) from None


def _fail(path: Path, message: str, code: str, item: str | None = None) -> InvalidInput:
    return InvalidInput(message, code=code, location=ErrorLocation(file=f"norms/{path.name}", field=item))


def _cluster(path: Path, value: object) -> Cluster:
    try:
        return Cluster(str(value))
    except ValueError:
        raise _fail(
            path,
            f"unknown cluster {value!r}; clusters: {', '.join(c.value for c in Cluster)}",
            "unknown-cluster",
            "cluster",
        ) from None


def _sections(path: Path, instrument_id: str, raw: list[Any]) -> tuple[Section, ...]:
    seen: set[str] = set()
    sections: list[Section] = []
    for s_index, spec in enumerate(raw):
        title, part = str(spec.get("title", "")), str(spec.get("part", ""))
        rules: list[Rule] = []
        for r_index, pair in enumerate(spec.get("rules", [])):
            where = f"sections[{s_index}].rules[{r_index}]"
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
                raise _fail(path, f"expected [number, title], got {pair!r}", "invalid-rule", where)
            number, rule_title = pair[0].strip(), pair[1].strip()
            if not number or not rule_title:
                raise _fail(path, "a rule needs a number and a title", "invalid-rule", where)
            if number in seen:
                raise _fail(path, f"rule {number} appears twice in {instrument_id}", "duplicate-rule", where)
            seen.add(number)
            rules.append(Rule(instrument_id, number, rule_title, title, part))
        sections.append(Section(title, part, tuple(rules)))
    return tuple(sections)


def read_instrument(path: Path) -> Instrument:
    """One instrument file, checked."""
    data = _read(path)
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise _fail(path, f"missing {', '.join(missing)}", "missing-field", missing[0])
    if data["id"] != path.stem:
        raise _fail(path, f"id {data['id']!r} differs from the file name {path.stem!r}", "invalid-id", "id")
    instrument = Instrument(
        id=str(data["id"]),
        name=str(data["name"]),
        short_name=str(data["short_name"]),
        cluster=_cluster(path, data["cluster"]),
        adopted_by=str(data["adopted_by"]),
        resolution=str(data["resolution"]),
        year=int(data["year"]),
        item=str(data["item"]),
        sections=_sections(path, str(data["id"]), list(data.get("sections", []))),
        complete=bool(data.get("complete", True)),
        note=str(data.get("note", "")),
        expected_count=data.get("expected_count"),
    )
    count = len(instrument.rules)
    if instrument.complete and instrument.expected_count is not None and count != instrument.expected_count:
        raise _fail(path, f"{count} rules, expected {instrument.expected_count}", "rule-count-mismatch")
    if instrument.complete and count == 0:
        raise _fail(path, "a complete instrument needs its rules (or complete = false)", "no-rules")
    return instrument


def _relations(path: Path, instruments: dict[str, Instrument]) -> tuple[Relation, ...]:
    known = {r.ref for i in instruments.values() for r in i.rules}
    found: list[Relation] = []
    for index, triple in enumerate(_read(path).get("relations", [])):
        where = f"relations[{index}]"
        if not (isinstance(triple, list) and len(triple) == 3):
            raise _fail(path, f"expected [from, kind, to], got {triple!r}", "invalid-relation", where)
        try:
            kind = RelationKind(triple[1])
        except ValueError:
            kinds = ", ".join(k.value for k in RelationKind)
            raise _fail(
                path, f"unknown relation kind {triple[1]!r}; kinds: {kinds}", "invalid-relation", where
            ) from None
        source, target = RuleRef.parse(triple[0]), RuleRef.parse(triple[2])
        for ref in (source, target):
            if ref not in known:
                raise _fail(path, f"relation refers to unknown rule {ref}", "unknown-rule", where)
        found.append(Relation(source, kind, target))
    return tuple(found)


def read_compendium(directory: Path = NORMS_DIR) -> Compendium:
    """The compendium in ``directory`` (the shipped one by default), checked."""
    index_path = directory / "instruments.toml"
    index = _read(index_path)
    clusters = tuple(
        ClusterInfo(_cluster(index_path, c["id"]), str(c["letter"]), str(c["title"]))
        for c in index.get("clusters", [])
    )
    instruments: dict[str, Instrument] = {}
    for position, instrument_id in enumerate(index.get("order", [])):
        if instrument_id in instruments:
            raise _fail(
                index_path,
                f"instrument {instrument_id} listed twice",
                "duplicate-instrument",
                f"order[{position}]",
            )
        instruments[instrument_id] = read_instrument(directory / "instruments" / f"{instrument_id}.toml")
    listed = set(instruments)
    extra = sorted(p.stem for p in (directory / "instruments").glob("*.toml") if p.stem not in listed)
    if extra:
        raise _fail(
            index_path,
            f"instrument files not listed in `order`: {', '.join(extra)}",
            "unlisted-instrument",
            "order",
        )
    relations_path = directory / "relations.toml"
    relations = _relations(relations_path, instruments) if relations_path.exists() else ()
    return Compendium(clusters, instruments, relations)


@cache
def load_compendium() -> Compendium:
    """The shipped compendium (read once per process)."""
    return read_compendium(NORMS_DIR)
