"""``observatory norms``: the standards-and-norms compendium, the checklists and compliance assessments."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from observatory.cli.options import JsonOpt, open_store, out, print_json
from observatory.cli.users import UserOpt, acting_user
from observatory.errors import InvalidInput
from observatory.model.norm import Cluster
from observatory.norms import assessments as service
from observatory.norms.checklists import checklist_view, get_checklist, load_checklists
from observatory.norms.compendium import instrument_detail, instrument_list, search_rules
from observatory.norms.entries import read_entries
from observatory.norms.scoring import KappaWeights

norms_app = typer.Typer(
    help="Standards and norms: the compendium, checklists, assessments, scores and gaps.",
    no_args_is_help=True,
)
ClusterOpt = Annotated[Cluster | None, typer.Option("--cluster", help="Only this cluster.")]
ChecklistOpt = Annotated[
    str | None, typer.Option("--checklist", help="Checklist id (see `norms checklists`).")
]


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


@norms_app.command("list")
def list_command(cluster: ClusterOpt = None, as_json: JsonOpt = False) -> None:
    """List the instruments with their cluster, adoption reference and number of rules."""
    rows = instrument_list(cluster)
    if as_json:
        print_json({"data": rows, "count": len(rows)})
        return
    table = Table("id", "instrument", "cluster", "adopted", "rules")
    for r in rows:
        adopted = f"{r['resolution'] or r['adopted_by']} ({r['year']})"
        table.add_row(
            r["id"], r["short_name"], r["cluster"], adopted, f"{r['rules']}{'' if r['complete'] else '*'}"
        )
    out.print(table)
    out.print("* items not (all) catalogued yet: see `observatory norms show ID`")


@norms_app.command("show")
def show_command(
    instrument: Annotated[str, typer.Argument(help="Instrument id (see `norms list`).")],
    as_json: JsonOpt = False,
) -> None:
    """One instrument: adoption, sections and numbered rules with their cross-links."""
    detail = instrument_detail(instrument)
    if as_json:
        print_json(detail)
        return
    out.print(f"[bold]{detail['name']}[/bold]")
    out.print(
        f"{detail['adopted_by']}, {detail['resolution'] or 'no resolution'} ({detail['year']}); "
        f"cluster {detail['cluster']}; {detail['rules']} {detail['item']}s"
    )
    if detail["note"]:
        out.print(detail["note"])
    for section in detail["sections"]:
        out.print(f"\n[bold]{' · '.join(x for x in (section['part'], section['title']) if x)}[/bold]")
        for rule in section["rules"]:
            links = "; ".join(
                f"{lk['kind']} {lk['ref']}"
                if lk["direction"] == "outgoing"
                else f"{lk['ref']} {lk['kind']} this"
                for lk in rule["links"]
            )
            out.print(
                f"  {rule['number']:>4}  {rule['title']}" + (f"  [dim]({links})[/dim]" if links else "")
            )


@norms_app.command("search")
def search_command(
    text: Annotated[str, typer.Argument(help="Words of rule titles, or a reference such as bangkok:24.")],
    instrument: Annotated[str | None, typer.Option("--instrument", help="Only this instrument.")] = None,
    cluster: ClusterOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Search the rules by the words of their titles (best first)."""
    hits = search_rules(text, instrument=instrument, cluster=cluster)
    if as_json:
        print_json({"data": hits, "count": len(hits)})
        return
    table = Table("rule", "instrument", "title", "section")
    for h in hits:
        table.add_row(h["ref"], h["instrument_name"], h["title"], h["section"])
    out.print(table)


@norms_app.command("checklists")
def checklists_command(as_json: JsonOpt = False) -> None:
    """List the shipped checklists."""
    rows = [
        {
            "id": c.id,
            "version": c.version,
            "title": c.title,
            "items": len(c.items),
            "scale": c.scale.describe(),
        }
        for c in load_checklists().values()
    ]
    if as_json:
        print_json({"data": rows, "count": len(rows)})
        return
    table = Table("id", "version", "title", "items", "scale")
    for c in load_checklists().values():
        table.add_row(c.id, c.version, c.title, str(len(c.items)), c.scale.describe())
    out.print(table)


@norms_app.command("checklist")
def checklist_command(
    checklist: Annotated[str, typer.Argument(help="Checklist id (see `norms checklists`).")],
    as_json: JsonOpt = False,
) -> None:
    """A checklist's items with the rule numbers each tests, evidence kinds, weights and indicators."""
    view = checklist_view(get_checklist(checklist))
    if as_json:
        print_json(view)
        return
    out.print(
        f"[bold]{view['title']}[/bold] {view['version']} · scale: {get_checklist(checklist).scale.describe()}"
    )
    table = Table("item", "section", "tests", "evidence", "weight", "indicator")
    for item in view["items"]:
        indicator = (
            item["indicator"]["id"] if item["indicator"] else ("text" if item["kind"] == "text" else "")
        )
        table.add_row(
            item["id"],
            item["section"],
            ", ".join(item["tests"]),
            ", ".join(item["evidence"]),
            f"{item['weight']:g}",
            indicator,
        )
    out.print(table)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--date {text!r} is not a date; write YYYY-MM-DD", code="invalid-date") from None


@norms_app.command("assess")
def assess_command(
    path: Annotated[Path, typer.Argument(help="Ratings file: CSV (item,rating,comment,...) or JSON.")],
    checklist: Annotated[str, typer.Option("--checklist", help="Checklist id.")],
    country: Annotated[str, typer.Option("--country", "-c", help="ISO3 of the country assessed.")],
    on: Annotated[str, typer.Option("--date", help="Date of the assessment (YYYY-MM-DD).")],
    no_fill: Annotated[bool, typer.Option("--no-fill", help="Do not fill indicator items.")] = False,
    note: Annotated[str, typer.Option("--note", help="A note on the assessment.")] = "",
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record an assessment (all or nothing); indicator-backed items are filled from the latest release."""
    store = open_store()
    acting = acting_user(store, user)
    entries = read_entries(path)
    assessment, notes = service.record_assessment(
        store,
        acting,
        checklist,
        country,
        _parse_date(on),
        entries,
        source=path.name,
        base=path.parent,
        fill=not no_fill,
        note=note,
    )
    view = service.assessment_view(store, assessment)
    if as_json:
        print_json({**view, "not_filled": notes})
        return
    filled = sum(1 for f in assessment.findings if f.provenance is not None)
    out.print(
        f"Assessment {assessment.id}: {assessment.checklist} {assessment.version} for {assessment.country} "
        f"on {assessment.assessed_on} by {assessment.assessor}: {len(assessment.findings)} findings, "
        f"{filled} filled from the statistics; score {_score(view['overall']['score'])}"
    )
    for line in notes:
        out.print(f"  not filled: {line}")


@norms_app.command("assessments")
def assessments_command(
    country: Annotated[str | None, typer.Option("--country", "-c", help="Only this country.")] = None,
    checklist: ChecklistOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List recorded assessments (assessors see their own countries')."""
    store = open_store()
    found = service.list_assessments(
        store, acting_user(store, user, changes=False), country=country, checklist=checklist
    )
    rows = [a.summary() for a in found]
    if as_json:
        print_json({"data": rows, "count": len(rows)})
        return
    table = Table("id", "checklist", "version", "country", "assessor", "date", "findings")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["checklist"],
            r["version"],
            r["country"],
            r["assessor"],
            r["assessed_on"],
            str(r["findings"]),
        )
    out.print(table)


@norms_app.command("assessment")
def assessment_command(
    assessment: Annotated[int, typer.Argument(help="Assessment id.")],
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One assessment: each finding with its rating, evidence and provenance, and the scores."""
    store = open_store()
    view = service.assessment_view(
        store, service.get_assessment(store, acting_user(store, user, changes=False), assessment)
    )
    if as_json:
        print_json(view)
        return
    table = Table("item", "rating", "source", "evidence", "comment")
    for f in view["findings"]:
        rating = f["label"] if f["label"] else (f["answer"][:60] or "–")
        table.add_row(
            f["item"], rating, f["source"], "; ".join(e["kind"] for e in f["evidence"]), f["comment"]
        )
    out.print(table)
    out.print(f"score {_score(view['overall']['score'])}")


@norms_app.command("score")
def score_command(
    country: Annotated[str, typer.Argument(help="ISO3 of the country.")],
    checklist: ChecklistOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A country's compliance scores (latest assessment per checklist): overall, by section and instrument."""
    result = service.country_scores(open_store(), country, checklist)
    if as_json:
        print_json(result)
        return
    for entry in result["data"]:
        o = entry["overall"]
        out.print(
            f"[bold]{entry['title']}[/bold] {entry['version']}, {entry['assessed_on']} "
            f"({', '.join(entry['assessors'])}): {_score(o['score'])} "
            f"({o['rated']} rated, {o['not_applicable']} n/a, {o['unanswered']} unanswered)"
        )
        table = Table("section", "score", "rated", "n/a")
        for name, s in entry["sections"].items():
            table.add_row(name, _score(s["score"]), str(s["rated"]), str(s["not_applicable"]))
        out.print(table)
        out.print(
            "by instrument: "
            + ", ".join(f"{k} {_score(v['score'])}" for k, v in entry["instruments"].items())
        )


@norms_app.command("agreement")
def agreement_command(
    first: Annotated[int, typer.Argument(help="Assessment id of the first assessor.")],
    second: Annotated[int, typer.Argument(help="Assessment id of the second assessor.")],
    weights: Annotated[KappaWeights, typer.Option("--weights", help="Kappa weights.")] = KappaWeights.none,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Cohen's kappa between two assessors of the same checklist version and country."""
    store = open_store()
    result = service.assessment_agreement(
        store, acting_user(store, user, changes=False), first, second, weights
    )
    if as_json:
        print_json(result)
        return
    kappa = "undefined" if result["kappa"] is None else f"{result['kappa']:.3f}"
    out.print(f"kappa ({result['weights']}) = {kappa} over {result['items']} items; {result['agreed']} agree")
    for d in result["disagreements"]:
        out.print(f"  {d['item']}: {d['a']} vs {d['b']}")


@norms_app.command("delta")
def delta_command(
    before: Annotated[int, typer.Argument(help="Earlier assessment id.")],
    after: Annotated[int, typer.Argument(help="Later assessment id.")],
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What changed between two assessments of the same checklist: items, sections, overall."""
    store = open_store()
    result = service.assessment_delta(store, acting_user(store, user, changes=False), before, after)
    if as_json:
        print_json(result)
        return
    o = result["overall"]
    out.print(f"overall {_score(o['before'])} -> {_score(o['after'])}")
    for item in result["items"]:
        out.print(f"  {item['item']}: {item['before']} -> {item['after']}")


@norms_app.command("gaps")
def gaps_command(
    country: Annotated[str, typer.Argument(help="ISO3 of the country.")],
    checklist: ChecklistOpt = None,
    threshold: Annotated[float | None, typer.Option("--threshold", help="Rated below this is a gap.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Items rated below the threshold in the latest assessments, with the rules they test."""
    result: dict[str, Any] = service.country_gaps(open_store(), country, checklist, threshold)
    if as_json:
        print_json(result)
        return
    table = Table("gap", "rating", "rules", "item")
    for g in result["data"]:
        table.add_row(g["key"], g["label"], ", ".join(g["rules"]), g["prompt"])
    out.print(table)
