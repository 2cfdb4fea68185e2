"""The ``observatory`` command on the specimen files: exit codes, one-line errors, output formats."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from observatory.cli.main import app, main

SPECIMENS = Path(__file__).resolve().parents[1] / "data" / "collect"
OK = SPECIMENS / "unodc_ok.csv"
MEX_ROWS = [("2016", "_T", "217868"), ("2017", "_T", "204617"), ("2017", "unsentenced", "76703")]


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def rows(self) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.out)))

    def json(self) -> object:
        return json.loads(self.out)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder the CLI reads from ``OBSERVATORY_DATA_DIR``."""
    folder = tmp_path / "var"
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def cli(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> CLI:
    return CLI(capsys)


@pytest.fixture
def imported(cli: CLI) -> CLI:
    """A store holding ``unodc_ok.csv``, published as release 1."""
    assert cli("import", str(OK)).code == 0
    return cli


class CLI:
    """Runs ``observatory.cli.main.main`` as the console script does and captures what it prints."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *args: str) -> Run:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = self.capsys.readouterr()
        return Run(code, captured.out, captured.err)

    def export(self, *args: str) -> list[dict[str, str]]:
        run = self("export", *args)
        assert run.code == 0, run.err
        return run.rows()


def mex_rows(rows: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    return [(r["period"], r["status"], r["value"]) for r in rows]


def assert_one_line_error(run: Run, *parts: str) -> None:
    assert run.code == 1
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in run.err
    for part in parts:
        assert part in lines[0]


# -- init --------------------------------------------------------------------------------------------


def test_init_creates_the_store_and_can_run_again(cli: CLI, data_dir: Path) -> None:
    first = cli("init")
    assert first.code == 0
    assert (data_dir / "observatory.sqlite").is_file()
    assert str(data_dir) in first.out
    second = cli("init")
    assert second.code == 0
    assert (data_dir / "observatory.sqlite").is_file()


# -- import and export -------------------------------------------------------------------------------


def test_import_then_export_csv(cli: CLI) -> None:
    run = cli("import", str(OK))
    assert run.code == 0
    assert "Published release 1 (4 observations)" in run.out
    exported = cli("export", "--area", "MEX", "--format", "csv")
    assert exported.code == 0
    assert exported.out.startswith("dataflow,area,period,variable,")
    rows = exported.rows()
    assert {r["area"] for r in rows} == {"MEX"}
    assert mex_rows(rows) == MEX_ROWS
    assert ".0" not in exported.out  # counts are written as integers


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--area", "MEX", "--year", "2017"), MEX_ROWS[1:]),
        (("--area", "MEX", "--year", "2016-2016"), MEX_ROWS[:1]),
        (("--area", "MEX", "--year", "2017-"), MEX_ROWS[1:]),
        (("--area", "MEX", "--indicator", "persons-held"), MEX_ROWS),
        (("--area", "MEX", "--indicator", "prison-capacity"), []),
        (("--area", "mex"), MEX_ROWS),
        (("--area", "484"), MEX_ROWS),
        (("-a", "Mexico", "-y", "2016"), MEX_ROWS[:1]),
    ],
)
def test_export_filters(imported: CLI, args: tuple[str, ...], expected: list[tuple[str, str, str]]) -> None:
    assert mex_rows(imported.export(*args)) == expected


def test_export_several_areas(imported: CLI) -> None:
    rows = imported.export("--area", "MEX", "--area", "GBR_E_W")
    assert [r["area"] for r in rows] == ["GBR_E_W", "MEX", "MEX", "MEX"]
    assert rows[0]["value"] == "146.5"  # a rate keeps its decimals
    assert rows[0]["unit"] == "rate-per-100k"


def test_export_with_no_match_still_writes_the_header(imported: CLI) -> None:
    run = imported("export", "--area", "MEX", "--year", "1990")
    assert run.code == 0
    assert run.out.startswith("dataflow,area,period,")
    assert run.rows() == []


def test_export_json(imported: CLI) -> None:
    run = imported("export", "--area", "MEX", "--format", "json")
    assert run.code == 0
    data = run.json()
    assert isinstance(data, list)
    assert [(d["period"], d["status"], d["value"]) for d in data] == [
        ("2016", "_T", 217868),
        ("2017", "_T", 204617),
        ("2017", "unsentenced", 76703),
    ]


def test_export_xlsx_has_the_same_rows(imported: CLI, tmp_path: Path) -> None:
    target = tmp_path / "f.xlsx"
    run = imported("export", "--area", "MEX", "--format", "xlsx", "--output", str(target))
    assert run.code == 0
    assert f"3 observations written to {target}" in run.err
    book = openpyxl.load_workbook(target, read_only=True)
    try:
        header, *body = list(book.active.iter_rows(values_only=True))
    finally:
        book.close()  # a read-only workbook keeps its file open until closed
    rows = [dict(zip(header, values, strict=True)) for values in body]
    assert [(r["period"], r["status"], r["value"]) for r in rows] == [
        ("2016", "_T", 217868),
        ("2017", "_T", 204617),
        ("2017", "unsentenced", 76703),
    ]
    assert list(header) == list(imported.export("--area", "MEX")[0])


def test_export_csv_to_a_file(imported: CLI, tmp_path: Path) -> None:
    target = tmp_path / "mex.csv"
    run = imported("export", "--area", "MEX", "-o", str(target))
    assert run.code == 0
    assert run.out == ""
    assert target.read_text(encoding="utf-8") == imported("export", "--area", "MEX").out


def test_reimport_changes_nothing(imported: CLI) -> None:
    run = imported("import", str(OK))
    assert run.code == 0
    assert "Nothing changed" in run.out
    assert "Published" not in run.out
    releases = imported("releases", "--json").json()
    assert isinstance(releases, dict)
    assert releases["count"] == 1
    assert [r["number"] for r in releases["data"]] == [1]


def test_import_json_summary(cli: CLI) -> None:
    run = cli("import", "--json", str(OK))
    assert run.code == 0
    summary = run.json()
    assert isinstance(summary, dict)
    assert summary["release"] == 1
    assert summary["totals"]["inserted"] == 4
    (only,) = summary["files"]
    assert (only["format"], only["rows"], only["rejected"]) == ("unodc-portal", 4, 0)
    again = cli("import", "--json", str(OK)).json()
    assert isinstance(again, dict)
    assert again["release"] is None
    assert (again["totals"]["inserted"], again["totals"]["unchanged"]) == (0, 4)


def test_import_no_publish_then_publish(cli: CLI) -> None:
    assert cli("import", "--no-publish", str(OK)).code == 0
    assert_one_line_error(cli("export"), "nothing has been published yet", "[no-release]")
    published = cli("publish", "--note", "first")
    assert published.code == 0
    assert "Published release 1: 4 observations" in published.out
    again = cli("publish")
    assert again.code == 0
    assert "Unchanged since release 1" in again.out
    releases = cli("releases", "--json").json()
    assert isinstance(releases, dict)
    assert [(r["number"], r["note"]) for r in releases["data"]] == [(1, "first")]


def test_releases_json_matches_the_api_shape(imported: CLI) -> None:
    releases = imported("releases", "--json").json()
    assert isinstance(releases, dict)
    assert set(releases) == {"data", "count"}
    (release,) = releases["data"]
    assert set(release) == {"number", "name", "created_at", "observations", "sha256", "note"}
    assert release["name"] == "release-0001"
    assert release["observations"] == 4
    assert "T" in release["created_at"]  # ISO 8601
    table = imported("releases")
    assert table.code == 0
    assert release["sha256"][:12] in table.out


# -- bad input: one line, exit 1, nothing stored -----------------------------------------------------


def test_bad_value_is_one_line_and_stores_nothing(imported: CLI) -> None:
    before = imported("export").out
    path = SPECIMENS / "non_numeric.csv"
    run = imported("import", str(path))
    assert_one_line_error(run, str(path), "row 2", "column 'VALUE'", "[non-numeric-value]")
    assert run.err.count("[non-numeric-value]") == 1  # the code is not repeated
    assert run.out == ""
    assert imported("export").out == before
    releases = imported("releases", "--json").json()
    assert isinstance(releases, dict)
    assert releases["count"] == 1


def test_debug_shows_the_traceback(imported: CLI) -> None:
    run = imported("--debug", "import", str(SPECIMENS / "non_numeric.csv"))
    assert run.code == 1
    assert "Traceback (most recent call last)" in run.err
    assert "InvalidInput" in run.err
    assert run.err.strip().splitlines()[-1].startswith("error: ")
    # --debug does not stick to later commands
    assert "Traceback" not in imported("import", str(SPECIMENS / "non_numeric.csv")).err


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("unknown_format.csv", ("row 1", "[unknown-format]", "accepted formats")),
        ("empty.csv", ("[empty-file]",)),
        ("header_only.csv", ("[empty-file]",)),
        ("unknown_area.csv", ("row 3", "column 'Iso3_code'", "'XYZ'", "[unknown-area]")),
        ("wrong_columns.csv", ("[missing-column]", "Dimension")),
        ("bad_year.csv", ("row 2", "'twenty17'", "[invalid-period]")),
        ("missing_value.csv", ("row 2", "[missing-value]")),
        ("nan.csv", ("row 2", "[non-finite-value]")),
        ("infinite.csv", ("row 2", "[non-finite-value]")),
        ("does_not_exist.csv", ("no such file or folder", "[file-not-found]")),
    ],
)
def test_bad_files_are_refused(imported: CLI, name: str, parts: tuple[str, ...]) -> None:
    before = imported("export").out
    path = SPECIMENS / name
    run = imported("import", str(path))
    assert_one_line_error(run, str(path), *parts)
    assert imported("export").out == before


def test_all_or_nothing_across_files(imported: CLI) -> None:
    before = imported("export").out
    run = imported("import", str(SPECIMENS / "latin1.csv"), str(SPECIMENS / "non_numeric.csv"))
    assert_one_line_error(run, "non_numeric.csv", "[non-numeric-value]", "nothing was imported")
    assert imported("export").out == before  # latin1.csv's rows were not stored either


def test_json_error_envelope(imported: CLI) -> None:
    run = imported("import", "--json", str(SPECIMENS / "non_numeric.csv"))
    assert_one_line_error(run, "[non-numeric-value]")
    envelope = run.json()
    assert isinstance(envelope, dict)
    assert set(envelope) == {"ok", "error", "errors", "status"}
    assert (envelope["ok"], envelope["status"]) == (False, 400)
    (error,) = envelope["errors"]
    assert error["code"] == "non-numeric-value"
    assert error["location"]["row"] == 2
    assert error["location"]["column"] == "VALUE"
    assert error["details"][0]["value"] == "12O4"


def test_skip_invalid_imports_the_rest_and_names_the_report(cli: CLI) -> None:
    run = cli("import", "--skip-invalid", str(SPECIMENS / "unknown_area.csv"))
    assert run.code == 0
    assert "rejected rows written to " in run.out
    report = Path(run.out.split("rejected rows written to ", 1)[1].split()[0])
    assert report.is_file()
    rejected = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8"))))
    assert [(r["row"], r["code"], r["value"]) for r in rejected] == [("3", "unknown-area", "XYZ")]
    assert [r["period"] for r in cli.export("--area", "MEX")] == ["2017"]


def test_skip_invalid_json_names_the_report(cli: CLI) -> None:
    summary = cli("import", "--json", "--skip-invalid", str(SPECIMENS / "unknown_area.csv")).json()
    assert isinstance(summary, dict)
    (only,) = summary["files"]
    assert only["rejected"] == 1
    assert only["problem_counts"] == {"unknown-area": 1}
    assert Path(only["rejected_report"]).is_file()


def test_implausible_rows_are_stored_but_not_published(cli: CLI) -> None:
    run = cli("import", str(SPECIMENS / "implausible.csv"))
    assert run.code == 0
    assert "[implausible-year]" in run.out
    assert "[negative-count]" in run.out
    periods = [r["period"] for r in cli.export("--area", "MAR")]
    assert "1013" not in periods
    assert "2014" not in periods  # the negative count is held back too


def test_latin1_file_is_read(cli: CLI) -> None:
    assert cli("import", str(SPECIMENS / "latin1.csv")).code == 0
    rows = cli.export("--area", "CIV", "--area", "CUW")
    assert [(r["area"], r["value"]) for r in rows] == [("CIV", "17934"), ("CUW", "550")]


# -- formulas are neutralised ------------------------------------------------------------------------


def test_formula_is_neutralised_in_csv_and_xlsx(cli: CLI, tmp_path: Path) -> None:
    assert cli("import", str(SPECIMENS / "formula.csv")).code == 0
    (row,) = cli.export("--area", "MEX")
    assert row["source"] == '\'=HYPERLINK("http://example.invalid")'
    target = tmp_path / "formula.xlsx"
    assert cli("export", "--area", "MEX", "-f", "xlsx", "-o", str(target)).code == 0
    sheet = openpyxl.load_workbook(target).active
    header = [cell.value for cell in sheet[1]]
    source = sheet.cell(row=2, column=header.index("source") + 1)
    assert source.data_type == "s"
    assert isinstance(source.value, str)
    assert source.value.startswith("'=")


# -- export option errors ----------------------------------------------------------------------------


def test_export_unknown_area(imported: CLI) -> None:
    run = imported("export", "--area", "XYZ")
    assert_one_line_error(run, "unknown area code 'XYZ'", "[unknown-area]")


@pytest.mark.parametrize(
    ("year", "message"),
    [("twenty", "not a year or range"), ("2020-2015", "ends before it starts")],
)
def test_export_bad_year(imported: CLI, year: str, message: str) -> None:
    assert_one_line_error(imported("export", "--year", year), message, "[invalid-period]")


def test_export_to_a_missing_folder(imported: CLI, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "folder" / "out.csv"
    run = imported("export", "--output", str(target))
    assert_one_line_error(run, str(target), "[cannot-write-output]")
    assert not target.exists()


def test_export_before_anything_is_published(cli: CLI) -> None:
    assert_one_line_error(cli("export"), "[no-release]")


@pytest.mark.parametrize(
    "args",
    [("no-such-command",), ("export", "--format", "pdf"), ("import",), ("--no-such-option",)],
)
def test_usage_errors_exit_2_without_traceback(cli: CLI, args: tuple[str, ...]) -> None:
    run = cli(*args)
    assert run.code == 2
    assert "Error:" in run.err
    assert "Traceback" not in run.err


def test_help_exits_0(cli: CLI) -> None:
    run = cli("--help")
    assert run.code == 0
    for command in ("import", "export", "releases", "areas", "iccs", "init", "serve", "publish"):
        assert command in run.out


# -- areas -------------------------------------------------------------------------------------------


def test_areas_search(cli: CLI) -> None:
    run = cli("areas", "--search", "mexico", "--json")
    assert run.code == 0
    body = run.json()
    assert isinstance(body, dict)
    assert body["count"] == len(body["data"]) >= 1
    assert body["data"][0]["code"] == "MEX"
    assert body["data"][0]["m49"] == "484"
    table = cli("areas", "--search", "mexico")
    assert table.code == 0
    assert "MEX" in table.out
    assert "Mexico" in table.out


def test_areas_region(cli: CLI) -> None:
    body = cli("areas", "--region", "419", "--json").json()
    assert isinstance(body, dict)
    codes = {a["code"] for a in body["data"]}
    assert {"MEX", "BRA"} <= codes
    assert "USA" not in codes
    assert all(a["kind"] in {"country", "reporting-unit"} for a in body["data"])


def test_areas_kind_and_all(cli: CLI) -> None:
    body = cli("areas", "--kind", "reporting-unit", "--json").json()
    assert isinstance(body, dict)
    assert "GBR_E_W" in {a["code"] for a in body["data"]}
    assert {a["kind"] for a in body["data"]} == {"reporting-unit"}
    everything = cli("areas", "--json").json()
    assert isinstance(everything, dict)
    assert everything["count"] > body["count"]


def test_areas_unknown_region(cli: CLI) -> None:
    assert_one_line_error(cli("areas", "--region", "XX"), "unknown area code 'XX'", "[unknown-area]")


# -- ICCS --------------------------------------------------------------------------------------------


def test_iccs_show_normalises_the_code(cli: CLI) -> None:
    run = cli("iccs", "show", "101")
    assert run.code == 0
    assert "0101 Intentional homicide" in run.out
    assert "01 Acts leading to death" in run.out
    assert "descriptions not loaded" in run.out


def test_iccs_show_in_spanish(cli: CLI) -> None:
    run = cli("iccs", "show", "0101", "--lang", "es")
    assert run.code == 0
    assert "Homicidio intencional" in run.out


def test_iccs_show_json(cli: CLI) -> None:
    detail = cli("iccs", "show", "01.0101", "--json").json()
    assert isinstance(detail, dict)
    assert (detail["code"], detail["title"], detail["hierarchical_id"]) == (
        "0101",
        "Intentional homicide",
        "01.0101",
    )
    assert detail["parent"]["code"] == "01"
    assert detail["texts"] == {}


def test_iccs_show_children(cli: CLI) -> None:
    run = cli("iccs", "show", "01")
    assert run.code == 0
    assert "children" in run.out
    assert "0102 Attempted intentional homicide" in run.out


@pytest.mark.parametrize(
    ("args", "parts"),
    [
        (("9999",), ("'9999' is not an ICCS", "close codes", "[not-found]")),
        (("abc",), ("'abc' is not an ICCS code", "accepted", "[invalid-input]")),
        (("0101", "--lang", "fr"), ("language 'fr'", "en, es", "[invalid-input]")),
    ],
)
def test_iccs_show_errors(cli: CLI, args: tuple[str, ...], parts: tuple[str, ...]) -> None:
    assert_one_line_error(cli("iccs", "show", *args), *parts)


def test_iccs_load_then_show_texts(cli: CLI, shared_data: Path) -> None:
    source = shared_data / "iccs" / "iccs_v1_0_long_original_en.csv"
    loaded = cli("iccs", "load", str(source), "--json")
    assert loaded.code == 0
    report = loaded.json()
    assert isinstance(report, dict)
    (only,) = report["files"]
    assert (only["format"], only["language"]) == ("iccs-long", "en")
    assert only["texts_inserted"] > 1000
    detail = cli("iccs", "show", "0101", "--json").json()
    assert isinstance(detail, dict)
    assert detail["texts"]["description"] == [
        "Unlawful death inflicted upon a person with the intent to cause death or serious injury."
    ]
    assert any("Murder" in text for text in detail["texts"]["inclusion"])
    shown = cli("iccs", "show", "0101")
    assert "Unlawful death inflicted upon a person" in shown.out
    assert "descriptions not loaded" not in shown.out
    again = cli("iccs", "load", str(source))
    assert again.code == 0
    assert "ICCS texts" in again.out


def test_iccs_load_missing_file(cli: CLI, tmp_path: Path) -> None:
    missing = tmp_path / "nothing.csv"
    assert_one_line_error(cli("iccs", "load", str(missing)), str(missing), "[not-found]")


# -- the Typer app through CliRunner -----------------------------------------------------------------


def test_cli_runner_import_and_export(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"OBSERVATORY_DATA_DIR": str(tmp_path / "runner")}
    imported = runner.invoke(app, ["import", "--json", str(OK)], env=env)
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["totals"]["inserted"] == 4
    exported = runner.invoke(app, ["export", "--area", "MEX", "--year", "2016"], env=env)
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert mex_rows(rows) == MEX_ROWS[:1]
