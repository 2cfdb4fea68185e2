"""Yes/no facts with evidence in the long CSV: answers, evidence, located refusals, revisions, round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from observatory.collect.importing import import_paths
from observatory.collect.parsing import parse_file
from observatory.collect.readers.facts import parse_note
from observatory.errors import InvalidInput
from observatory.reports.export import ExportFormat, render
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.store.tables import ObservationRevision, ObservationRow
from observatory.warehouse.query import ObservationFilter, query_observations
from observatory.warehouse.release import COLUMNS, publish

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "juvenile_justice_policy_facts.csv"
MAX_BYTES = 50 * 1024 * 1024
HEADER = "area,period,variable,unit,value,legal_reference,document_title,url,assessed_on,note\n"
GOOD = (
    "CHL,2021,jj-complaints-mechanism,,no,,Informe anual 2021,https://example.org/informe.pdf,2022-03-01,\n"
)


def _write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "facts.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


def test_the_example_file_reads_as_facts_with_evidence() -> None:
    parsed = parse_file(EXAMPLE, max_bytes=MAX_BYTES)
    assert parsed.reader.name == "observatory-csv"
    assert parsed.report.problems == []
    facts = {(o.area, o.key.variable): o for o in parsed.observations}
    assert len(facts) == 3
    mex = facts[("MEX", "jj-specialized-system")]
    assert (mex.value, mex.key.unit, mex.provenance.dataflow, mex.period) == (
        1.0,
        "yes-no",
        "JJ_POLICY",
        "2023",
    )
    assert mex.provenance.source == "Ley Nacional del Sistema Integral de Justicia Penal para Adolescentes"
    assert parse_note(mex.note) == {
        "document_title": "Ley Nacional del Sistema Integral de Justicia Penal para Adolescentes",
        "legal_reference": "Ley Nacional del Sistema Integral de Justicia Penal para Adolescentes "
        "(DOF 16-06-2016), art. 1",
        "url": "https://www.diputados.gob.mx/LeyesBiblio/pdf/LNSIJPA.pdf",
        "assessed_on": "2024-06-30",
    }
    assert parse_note(facts[("GBR", "jj-independent-inspections")].note)["note"] == "England and Wales."


@pytest.mark.parametrize(("text", "value"), [("yes", 1.0), ("No", 0.0), ("1", 1.0), ("0", 0.0), ("1.0", 1.0)])
def test_answers(tmp_path: Path, text: str, value: float) -> None:
    row = f"CHL,2021,jj-prevention-plan,yes-no,{text},Ley 21.527 art. 2,Ley 21.527,,2023-01-31,\n"
    parsed = parse_file(_write(tmp_path, row), max_bytes=MAX_BYTES)
    assert parsed.report.problems == []
    (fact,) = parsed.observations
    assert fact.value == value
    assert fact.note == "Document: Ley 21.527\nLegal reference: Ley 21.527 art. 2\nAssessed on: 2023-01-31"


@pytest.mark.parametrize(
    ("row", "code", "column"),
    [
        ("CHL,2021,jj-prevention-plan,,maybe,Ley 1,Ley,,2023-01-31,\n", "not-yes-no", "value"),
        ("CHL,2021,jj-prevention-plan,,2,Ley 1,Ley,,2023-01-31,\n", "not-yes-no", "value"),
        ("CHL,2021,jj-prevention-plan,,,Ley 1,Ley,,2023-01-31,\n", "not-yes-no", "value"),
        ("CHL,2021,jj-prevention-plan,,yes,Ley 1,,,2023-01-31,\n", "fact-without-evidence", "document_title"),
        ("CHL,2021,jj-prevention-plan,,yes,Ley 1,Ley,,,\n", "fact-without-evidence", "assessed_on"),
        (
            "CHL,2021,jj-prevention-plan,,no,,Informe,,2023-01-31,\n",
            "fact-without-evidence",
            "legal_reference",
        ),
        ("CHL,2021,jj-prevention-plan,,no,,Informe,ftp://x.org/a,2023-01-31,\n", "invalid-evidence", "url"),
        ("CHL,2021,jj-prevention-plan,,no,Ley 1,Informe,,31/01/2023,\n", "invalid-evidence", "assessed_on"),
        (
            f"CHL,2021,jj-prevention-plan,,no,Ley 1,{'x' * 201},,2023-01-31,\n",
            "invalid-evidence",
            "document_title",
        ),
        ("CHL,2021,jj-prevention-plan,count,1,Ley 1,Ley,,2023-01-31,\n", "unit-mismatch", "unit"),
        ("CHL,2021,persons-held,yes-no,1,Ley 1,Ley,,2023-01-31,\n", "unit-mismatch", "unit"),
    ],
)
def test_bad_facts_are_refused_with_their_location(
    store: Store, tmp_path: Path, row: str, code: str, column: str
) -> None:
    path = _write(tmp_path, GOOD, row)
    with pytest.raises(InvalidInput) as caught:
        import_paths(store, [path])
    first = caught.value.details[0]
    assert (caught.value.code, first["row"], first["column"], first["file"]) == (code, 3, column, "facts.csv")
    with store.session() as session:
        assert session.execute(select(ObservationRow)).first() is None  # all or nothing


def test_a_fact_without_any_evidence_column_is_refused(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, "CHL,2021,jj-prevention-plan,yes\n", header="area,period,variable,value\n")
    with pytest.raises(InvalidInput) as caught:
        import_paths(store, [path])
    assert caught.value.code == "fact-without-evidence"
    assert {d["column"] for d in caught.value.details} == {"document_title", "assessed_on", "legal_reference"}


def test_a_missing_fact_needs_no_evidence_and_is_not_published(store: Store, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "CHL,2021,jj-prevention-plan,,,,,,,not assessed\n",
        header="area,period,variable,unit,value,legal_reference,document_title,url,assessed_on,note\n",
    )
    with pytest.raises(InvalidInput):  # an empty answer without the missing flag is refused
        import_paths(store, [path])
    flagged = tmp_path / "missing.csv"
    flagged.write_text("area,period,variable,value,flags,note\nCHL,2021,jj-prevention-plan,,missing,n/a\n")
    import_paths(store, [flagged])
    publish(store)
    assert query_observations(store, ObservationFilter(variable=("jj-prevention-plan",))).data == []


def test_changed_answers_are_revisions_and_an_export_reimports_unchanged(
    store: Store, tmp_path: Path
) -> None:
    import_paths(store, [EXAMPLE])
    changed = _write(
        tmp_path,
        "MEX,2023,jj-specialized-system,,no,,Informe ficticio,https://example.org/x,2024-07-01,revised\n",
    )
    summary = import_paths(store, [changed])
    assert summary.totals()["updated"] == 1
    with store.session() as session:
        (old,) = session.execute(select(ObservationRevision)).scalars().all()
        assert (old.value, old.source) == (
            1.0,
            "Ley Nacional del Sistema Integral de Justicia Penal para Adolescentes",
        )
        assert "LNSIJPA.pdf" in (old.note or "")
    publish(store)
    rows = query_observations(store, ObservationFilter(dataflow=("JJ_POLICY",))).data
    mex = next(r for r in rows if r["area"] == "MEX")
    assert (mex["value"], mex["source"], parse_note(mex["note"])["note"]) == (
        0.0,
        "Informe ficticio",
        "revised",
    )
    exported = tmp_path / "export.csv"
    exported.write_bytes(render(rows, ExportFormat.csv, COLUMNS))
    again = import_paths(store, [exported])
    assert again.totals()["unchanged"] == len(rows) == 3
    other = Store(Settings(data_dir=tmp_path / "other"))
    other.init()
    try:
        assert import_paths(other, [exported]).totals()["inserted"] == 3
        publish(other)
        copied = query_observations(other, ObservationFilter(dataflow=("JJ_POLICY",))).data
        strip = ("file_sha256", "row", "import_id")
        assert [{k: v for k, v in r.items() if k not in strip} for r in copied] == [
            {k: v for k, v in r.items() if k not in strip} for r in rows
        ]
    finally:
        other.dispose()
