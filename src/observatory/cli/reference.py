"""Reference commands: areas and the ICCS code tree."""

from __future__ import annotations

import dataclasses
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.tree import Tree

from observatory.catalog.areas import load_areas
from observatory.catalog.iccs import load_iccs
from observatory.cli.options import JsonOpt, open_store, out, print_json
from observatory.iccs import texts
from observatory.iccs.tree import category_detail, normalise_code
from observatory.model.area import Area, AreaKind

iccs_app = typer.Typer(help="The ICCS v1.0 code tree and UNODC's long texts.", no_args_is_help=True)


def _plain(value: Any) -> Any:
    """Dataclasses, enums and sets as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def areas_command(
    kind: Annotated[AreaKind | None, typer.Option(help="Only areas of this kind.")] = None,
    region: Annotated[str | None, typer.Option(help="Only members of this M49 region.")] = None,
    search: Annotated[str | None, typer.Option("--search", "-s", help="Name search.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List areas: countries, UNODC reporting units and M49 regions."""
    catalog = load_areas()
    areas: list[Area]
    if search:
        areas = catalog.search(search, limit=50)
    elif region:
        region_area = catalog.resolve(region) or catalog.get(region)
        areas = catalog.members(region_area.code)
    else:
        areas = list(catalog)
    if kind is not None:
        areas = [a for a in areas if a.kind is kind]
    if as_json:
        print_json({"data": [_plain(a) for a in areas], "count": len(areas)})
        return
    table = Table(title=f"{len(areas)} areas")
    for col in ("code", "name", "kind", "M49", "ISO2", "parent"):
        table.add_column(col)
    for a in areas:
        table.add_row(a.code, a.name, a.kind.value, a.m49 or "", a.iso2 or "", a.parent or "")
    out.print(table)


@iccs_app.command("show")
def iccs_show(
    code: Annotated[str, typer.Argument(help="ICCS code: 0101, 101 or 01.0101.")],
    lang: Annotated[str, typer.Option(help="Language of titles and texts (en, es).")] = "en",
    as_json: JsonOpt = False,
) -> None:
    """Show one ICCS category: its path, children and, once loaded, UNODC's texts."""
    scheme = load_iccs()
    normalised = normalise_code(code, scheme)
    store = open_store()
    detail = category_detail(
        scheme,
        normalised,
        texts=texts.texts_for(store, normalised, lang),
        index_terms=texts.index_terms_for(store, normalised),
        lang=lang,
    )
    if as_json:
        print_json(_plain(detail))
        return
    path = " > ".join(f"{a.code} {a.title}" for a in detail.ancestors)
    out.print(f"[bold]{detail.code}[/bold] {detail.title}  (level {detail.level})")
    if path:
        out.print(f"  in: {path}", highlight=False)
    for name, paragraphs in detail.texts.items():
        out.print(f"[bold]{name}[/bold]")
        for paragraph in paragraphs:
            out.print(f"  {paragraph}", highlight=False, markup=False)
    if not detail.texts:
        out.print(
            "  (descriptions not loaded: run `observatory iccs load FILE...` with UNODC's ICCS export files)",
            highlight=False,
            markup=False,
        )
    if detail.children:
        tree = Tree("children")
        for child in detail.children:
            tree.add(f"{child.code} {child.title}")
        out.print(tree)
    if detail.index_terms:
        out.print("index terms: " + "; ".join(detail.index_terms), highlight=False, markup=False)


@iccs_app.command("load")
def iccs_load(
    files: Annotated[list[Path], typer.Argument(help="UNODC ICCS export files (CSV).")],
    as_json: JsonOpt = False,
) -> None:
    """Import UNODC's ICCS texts (descriptions, inclusions, exclusions, notes, index)."""
    report = texts.load_files(open_store(), files)
    if as_json:
        print_json(_plain(report))
        return
    table = Table(title="ICCS texts")
    for col in ("file", "format", "lang", "rows", "new texts", "replaced", "new terms", "warnings"):
        table.add_column(col)
    for f in report.files:
        table.add_row(
            Path(f.file).name,
            f.format.value,
            f.language.value,
            f"{f.rows:,}",
            f"{f.texts_inserted:,}",
            f"{f.texts_replaced:,}",
            f"{f.terms_inserted:,}",
            f"{len(f.warnings):,}",
        )
    out.print(table)
    for warning in report.warnings[:10]:
        out.print(f"  warning: {warning}", highlight=False, markup=False)
