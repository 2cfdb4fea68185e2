"""Correspondence tables in the store: round trips, bad input refused with locations, history, auth."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from collect.test_workflow_support import Team, make_team
from observatory.errors import Conflict, InvalidInput, PermissionDenied
from observatory.iccs import correspondence as corr
from observatory.iccs.correspondence_io import COLUMNS, TableFormat, read_table
from observatory.iccs.correspondence_review import review
from observatory.model.correspondence import MappingStatus
from observatory.store.db import Store
from observatory.store.tables import CorrespondenceLinkRow, CorrespondenceRow, NationalOffenceRow

HEADER = ",".join(COLUMNS)
GOOD = f"""{HEADER}
H1,Homicidio doloso,Privar de la vida,Art. 302 CPF,es,2000-01-01,,0101,1,confirmed,
H2,Homicidio culposo,,Art. 303,es,,,0104,1,proposed,
R1,Robo con violencia,,Art. 371,es,,,0401,0.6,proposed,split
R1,Robo con violencia,,Art. 371,es,,,0502,0.4,proposed,split
F1,Fraude,,Art. 386,es,,,,,,
X1,=HYPERLINK("http://evil"),,,es,,,0101,1,disputed,not sure
"""


def write(tmp_path: Path, text: str, name: str = "mex.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def team(store: Store) -> Team:
    return make_team(store)


def counts(store: Store) -> tuple[int, int, int]:
    with store.session() as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(t)) or 0)
            for t in (CorrespondenceRow, NationalOffenceRow, CorrespondenceLinkRow)
        )


def test_round_trip_csv_xlsx(any_store: Store, tmp_path: Path) -> None:
    team = make_team(any_store)
    info = corr.import_table(
        any_store, team.mex, write(tmp_path, GOOD), country="MEX", name="CPF", version="2024"
    )
    assert (info.offences, info.links, info.confirmed) == (5, 5, 1)
    first = corr.load(any_store, "MEX", "2024")
    assert first.kind("R1").value == "one-to-many"
    assert [o.code for o in first.unmapped()] == ["F1"]
    for fmt in TableFormat:
        data = corr.export_table(any_store, "MEX", "2024", fmt)
        path = tmp_path / f"export.{fmt.value}"
        path.write_bytes(data)
        version = f"rt-{fmt.value}"
        corr.import_table(any_store, team.admin, path, country="MEX", name="CPF", version=version)
        again = corr.load(any_store, "MEX", version)
        assert again.offences == first.offences
        assert again.links == first.links
    assert [i.version for i in corr.list_tables(any_store, "MEX")] == ["2024", "rt-csv", "rt-xlsx"]
    book = openpyxl.load_workbook(io.BytesIO(corr.export_table(any_store, "MEX", "2024", TableFormat.xlsx)))
    labels = [row[1] for row in book.active.iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://evil")' in labels  # neutralised, not a formula


BAD = [
    ("H1,Homicidio,,,es,,,011012,1,,", "unknown-iccs-code", 2, "iccs_code"),
    ("H1,Homicidio,,,es,,,01X,1,,", "unknown-iccs-code", 2, "iccs_code"),
    ("H1,Homicidio,,,es,,,0101,1,,\nH1,Asesinato,,,es,,,0102,,,", "duplicate-national-code", 3, "label"),
    ("H1,Homicidio,,,es,,,0101,1,,\nH1,Homicidio,,,es,,,0101,1,,", "duplicate-national-code", 3, "iccs_code"),
    ("R1,Robo,,,es,,,0401,0.6,,\nR1,Robo,,,es,,,0502,0.3,,", "shares-do-not-sum-to-one", 3, "share"),
    ("H1,,,,es,,,0101,1,,", "empty-label", 2, "label"),
    ("H1,Homicidio,,,es,,,0101,uno,,", "non-numeric-value", 2, "share"),
    ("H1,Homicidio,,,es,,,0101,1,ok,", "unknown-code", 2, "status"),
    ("H1,Homicidio,,,es,31/12/2020,,0101,1,,", "invalid-date", 2, "valid_from"),
]


@pytest.mark.parametrize(
    ("rows", "code", "row", "column"), BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)]
)
def test_bad_input_is_refused_with_location(
    store: Store, team: Team, tmp_path: Path, rows: str, code: str, row: int, column: str
) -> None:
    before = counts(store)
    path = write(tmp_path, f"{HEADER}\nOK1,Fine,,,es,,,0101,1,,\n{rows}\n")
    with pytest.raises(InvalidInput) as caught:
        corr.import_table(store, team.mex, path, country="MEX", name="CPF", version="1")
    assert caught.value.code == code
    assert caught.value.location is not None
    assert (caught.value.location.file, caught.value.location.row, caught.value.location.column) == (
        "mex.csv",
        row + 1,
        column,
    )
    assert counts(store) == before


def test_bad_xlsx_names_sheet_and_cell(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "correspondence"
    sheet.append(list(COLUMNS))
    sheet.append(["H1", "Homicidio", "", "", "es", "", "", "011012", 1, "", ""])
    path = tmp_path / "mex.xlsx"
    book.save(path)
    with pytest.raises(InvalidInput) as caught:
        read_table(path)
    assert caught.value.location is not None
    assert (caught.value.location.sheet, caught.value.location.cell) == ("correspondence", "H2")


def test_versions_and_authorization(store: Store, team: Team, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    with pytest.raises(PermissionDenied):
        corr.import_table(store, team.fra, path, country="MEX", name="CPF", version="1")
    corr.import_table(store, team.mex, path, country="MEX", name="CPF", version="1")
    with pytest.raises(Conflict):
        corr.import_table(store, team.mex, path, country="MEX", name="CPF", version="1")
    corr.import_table(store, team.mex, path, country="MEX", name="CPF", version="2")
    corr.import_table(store, team.fra, path, country="FRA", name="CP", version="1")
    with pytest.raises(PermissionDenied):  # a focal point proposes, it does not confirm
        review(
            store, team.fra, country="FRA", version="1", national_code="H2", action=corr.LinkAction.confirmed
        )
    with pytest.raises(PermissionDenied):
        review(
            store,
            team.fra,
            country="MEX",
            version="1",
            national_code="H2",
            action=corr.LinkAction.proposed,
            iccs_code="0101",
        )
    assert len(corr.list_tables(store)) == 3


class Learner:
    def __init__(self) -> None:
        self.learned: list[tuple[str, str]] = []

    def learn(self, examples: object) -> int:
        self.learned += [(e.label, e.iccs_code) for e in examples]  # type: ignore[attr-defined]
        return len(self.learned)


def test_history_keeps_every_change(store: Store, team: Team, tmp_path: Path) -> None:
    corr.import_table(store, team.mex, write(tmp_path, GOOD), country="MEX", name="CPF", version="1")
    learner = Learner()
    act = corr.LinkAction
    review(
        store, team.mex, country="MEX", version="1", national_code="H2", action=act.proposed, iccs_code="0103"
    )
    review(
        store,
        team.reviewer,
        country="MEX",
        version="1",
        national_code="H2",
        action=act.confirmed,
        learner=learner,
    )
    review(
        store,
        team.reviewer,
        country="MEX",
        version="1",
        national_code="F1",
        action=act.corrected,
        iccs_code="0701",
    )
    with pytest.raises(InvalidInput, match="say why"):
        review(store, team.reviewer, country="MEX", version="1", national_code="H1", action=act.disputed)
    review(
        store,
        team.reviewer,
        country="MEX",
        version="1",
        national_code="R1",
        action=act.corrected,
        previous="0502",
        iccs_code="0501",
        learner=learner,
    )
    changes = corr.history(store, "MEX", "1", "H2")
    assert [(c.action, c.previous_iccs_code, c.iccs_code, c.previous_status, c.status) for c in changes] == [
        ("import", None, "0104", None, "proposed"),
        ("propose", "0104", "0103", "proposed", "proposed"),
        ("confirm", "0103", "0103", "proposed", "confirmed"),
    ]
    assert [c.user for c in changes] == ["fp@inegi.org.mx", "fp@inegi.org.mx", "reviewer@unodc.org"]
    table = corr.load(store, "MEX", "1")
    assert {(link.iccs_code, link.share, link.status) for link in table.links_of("R1")} == {
        ("0401", 0.6, MappingStatus.proposed),
        ("0501", 0.4, MappingStatus.confirmed),
    }
    assert table.links_of("F1")[0].status is MappingStatus.confirmed
    assert learner.learned == [("Homicidio culposo", "0103"), ("Robo con violencia", "0501")]
    assert ("Fraude", "0701") in [(e.label, e.iccs_code) for e in corr.confirmed_examples(store, "MEX")]
