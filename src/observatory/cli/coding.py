"""ICCS coding commands: ``observatory iccs code`` and ``observatory iccs evaluate``."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import track
from rich.table import Table

from observatory.catalog.iccs import load_iccs
from observatory.cli.options import JsonOpt, console, open_store, out, print_json
from observatory.cli.reference import _plain
from observatory.errors import InvalidInput
from observatory.iccs.coder import Coder
from observatory.iccs.coder.evaluate import evaluate, read_gold, read_list
from observatory.iccs.coder.text import parse_lang

TextsOpt = Annotated[
    list[Path] | None,
    typer.Option("--texts", help="UNODC ICCS files to use instead of the texts loaded in the store."),
]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of the labels: en, es or fr.")]


def _coder(texts: list[Path] | None) -> Coder:
    if texts:
        return Coder.from_files(texts, load_iccs())
    return Coder.from_store(open_store(), load_iccs())


def iccs_code(
    text: Annotated[str | None, typer.Argument(help="A national offence label.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="CSV list: code,label,description.")] = None,
    out_path: Annotated[Path | None, typer.Option("--out", help="Proposals CSV (with --file).")] = None,
    lang: LangOpt = "en",
    top: Annotated[int, typer.Option("--top", help="How many proposals per label.")] = 3,
    description: Annotated[str, typer.Option("--description", help="The offence's description.")] = "",
    texts: TextsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Propose ICCS codes for an offence label, or for a whole national list with --file."""
    language = parse_lang(lang).value
    if (text is None) == (file is None):
        raise InvalidInput("give either an offence label or --file LIST.csv", code="missing-argument")
    if file is not None:
        items = read_list(file)
        if out_path is None:
            raise InvalidInput("--file needs --out PROPOSALS.csv", code="missing-argument")
        coder = _coder(texts)
        with out_path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["code", "rank", "iccs_code", "confidence"])
            batch = coder.propose_many(items, lang=language, top=top)
            for code, proposals in track(batch, total=len(items), description="coding", console=console):
                for rank, p in enumerate(proposals, start=1):
                    writer.writerow([code, rank, p.iccs_code, f"{p.confidence:.4f}"])
        out.print(f"{len(items)} offences coded -> {out_path}", highlight=False)
        return
    assert text is not None
    proposals = _coder(texts).propose(text, description, language, top)
    if as_json:
        print_json({"label": text, "lang": language, "proposals": _plain(proposals)})
        return
    table = Table(title=f"ICCS proposals for {text!r}")
    for col in ("code", "title", "confidence", "evidence"):
        table.add_column(col)
    for p in proposals:
        evidence = "; ".join(f"{e.kind.value}: {e.text} ({e.code})" for e in p.evidence[:3])
        table.add_row(p.iccs_code, p.title, f"{p.confidence:.2f}", evidence)
    out.print(table)


def iccs_evaluate(
    gold: Annotated[Path, typer.Argument(help="CSV with columns label,description,iccs_code[,lang].")],
    lang: Annotated[str | None, typer.Option("--lang", help="Language of all labels (en, es, fr).")] = None,
    texts: TextsOpt = None,
) -> None:
    """Top-1 and top-3 accuracy of the coder on a gold file, at ICCS levels 1-3 and exact, as JSON."""
    examples = read_gold(gold, load_iccs(), lang)
    result = evaluate(_coder(texts), examples)
    out.print_json(json.dumps(result.to_dict()))


def register(app: typer.Typer) -> None:
    """Add ``code`` and ``evaluate`` to the ``iccs`` command group."""
    app.command("code")(iccs_code)
    app.command("evaluate")(iccs_evaluate)
