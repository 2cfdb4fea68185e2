"""The assessor's checklist page: the items of a draft by section, with the rules each tests, the proposed
figures from the statistics, what was entered (or posted and refused) and the problems at each field; and
reading a posted section (multipart, with an evidence file per item) into the draft service's inputs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData, UploadFile

from observatory.catalog.norms import load_compendium
from observatory.model.assessment import Checklist, ChecklistItem, EvidenceKind, ItemKind
from observatory.norms.drafts import Draft, ItemEntry, ItemInput
from observatory.norms.entries import EVIDENCE_TYPES

ACCEPT = ",".join(EVIDENCE_TYPES)
EVIDENCE_KINDS = [(k.value, k.value.replace("-", " ")) for k in EvidenceKind]
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]+")


def anchor(item_id: str) -> str:
    """An HTML id for an item (``BR-04`` -> ``item-BR-04``; other characters become ``_``)."""
    return "item-" + _NOT_ID.sub("_", item_id)


@dataclass
class ItemView:
    item: ChecklistItem
    anchor: str
    rules: list[dict[str, str]]
    entry: ItemEntry
    filled: Any = None  # drafts.Filled
    errors: dict[str, str] = field(default_factory=dict)
    posted: ItemInput | None = None  # a refused post's values, shown again

    @property
    def rated(self) -> bool:
        return self.item.kind is ItemKind.rated

    def value(self, name: str) -> str:
        """What the field shows: the refused post's value, else what the draft holds."""
        if self.posted is not None:
            return str(getattr(self.posted, name))
        return str(getattr(self.entry, name, ""))


@dataclass
class SectionView:
    number: int
    title: str
    items: list[ItemView]
    saved: bool

    @property
    def answered(self) -> int:
        return sum(1 for i in self.items if not i.entry.empty)


def _rules(item: ChecklistItem) -> list[dict[str, str]]:
    compendium = load_compendium()
    shown = []
    for ref in item.tests:
        instrument = compendium.instruments.get(ref.instrument)
        rule = instrument.rule(ref.number) if instrument and compendium.has_rule(ref) else None
        shown.append(
            {
                "ref": str(ref),
                "label": f"{instrument.short_name if instrument else ref.instrument} {ref.number}",
                "title": rule.title if rule else "",
                "href": f"/norms/{ref.instrument}#rule-{ref.number}",
            }
        )
    return shown


def sections(
    checklist: Checklist,
    draft: Draft,
    *,
    refused: int | None = None,
    posted: dict[str, ItemInput] | None = None,
    errors: dict[str, dict[str, str]] | None = None,
) -> list[SectionView]:
    """The checklist by section; section ``refused`` shows the posted values and their problems."""
    shown = []
    for number, title in enumerate(checklist.sections, start=1):
        items = []
        for item in (i for i in checklist.items if i.section == title):
            view = ItemView(
                item, anchor(item.id), _rules(item), draft.entry(item.id), draft.filled.get(item.id)
            )
            if number == refused:
                view.posted = (posted or {}).get(item.id)
                view.errors = (errors or {}).get(item.id, {})
            items.append(view)
        shown.append(SectionView(number, title, items, title in draft.saved))
    return shown


def section_title(checklist: Checklist, number: int) -> str | None:
    names = checklist.sections
    return names[number - 1] if 1 <= number <= len(names) else None


async def section_inputs(form: FormData, checklist: Checklist, section: str) -> dict[str, ItemInput]:
    """The posted fields of one section's items (``rating:<item>``, ``file:<item>``, ...)."""

    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    inputs = {}
    for item in (i for i in checklist.items if i.section == section):
        got = ItemInput(
            rating=text(f"rating:{item.id}"),
            answer=text(f"answer:{item.id}"),
            comment=text(f"comment:{item.id}"),
            reason=text(f"reason:{item.id}"),
            kind=text(f"kind:{item.id}"),
            note=text(f"evnote:{item.id}"),
        )
        upload = form.get(f"file:{item.id}")
        if isinstance(upload, UploadFile) and upload.filename:
            got.file_name, got.content = upload.filename, await upload.read()
        inputs[item.id] = got
    return inputs


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"
