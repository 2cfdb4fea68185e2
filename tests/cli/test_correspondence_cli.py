"""``observatory iccs correspondence ...``: import, list, show, export, coverage, apply, review, draft."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from observatory.cli.main import main

ADMIN, REVIEWER, MEX = "admin@unodc.org", "reviewer@unodc.org", "fp@inegi.org.mx"
TABLE = (
    "national_code,label,description,legal_reference,language,valid_from,valid_to,iccs_code,share,status,comment\n"
    "H1,Homicidio doloso,,Art. 302,es,,,0101,1,proposed,\n"
    "R1,Robo,,Art. 367,es,,,0401,0.25,proposed,\n"
    "R1,Robo,,Art. 367,es,,,0502,0.75,proposed,\n"
    "F1,Fraude,,Art. 386,es,,,,,,\n"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_correspondence_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path / "var"))

    def ok(*args: str) -> str:
        code, out, err = run(capsys, *args)
        assert code == 0, err
        return out

    ok("user", "add", ADMIN, "--role", "admin")
    ok("user", "add", REVIEWER, "--role", "reviewer", "--user", ADMIN)
    ok("user", "add", MEX, "--role", "focal-point", "--country", "MEX", "--user", ADMIN)
    table = tmp_path / "mex.csv"
    table.write_text(TABLE, encoding="utf-8")
    base = ["--country", "MEX", "--version", "1"]
    bad = tmp_path / "bad.csv"
    bad.write_text(TABLE.replace("0101,1", "011012,1"), encoding="utf-8")
    code, _, err = run(
        capsys, "iccs", "correspondence", "import", str(bad), *base, "--name", "CPF", "--user", MEX
    )
    assert code == 1 and "bad.csv, row 2, column 'iccs_code'" in err and "[unknown-iccs-code]" in err
    ok("iccs", "correspondence", "import", str(table), *base, "--name", "CPF", "--user", MEX)
    listed = json.loads(ok("iccs", "correspondence", "list", "--country", "MEX", "--json"))
    assert [(t["version"], t["offences"], t["links"]) for t in listed["data"]] == [("1", 3, 3)]
    code, _, err = run(capsys, "iccs", "correspondence", "confirm", "H1", *base, "--user", MEX)
    assert code == 1 and "permission-denied" in err
    ok("iccs", "correspondence", "confirm", "H1", *base, "--user", REVIEWER)
    ok("iccs", "correspondence", "correct", "F1", *base, "--iccs-code", "0701", "--user", REVIEWER)
    ok(
        "iccs",
        "correspondence",
        "dispute",
        "R1",
        *base,
        "--previous",
        "0502",
        "--comment",
        "theft?",
        "--user",
        REVIEWER,
    )
    shown = json.loads(ok("iccs", "correspondence", "show", *base, "--json"))
    assert {(link["national_code"], link["iccs_code"], link["status"]) for link in shown["links"]} == {
        ("H1", "0101", "confirmed"),
        ("R1", "0401", "proposed"),
        ("R1", "0502", "disputed"),
        ("F1", "0701", "confirmed"),
    }
    assert [c["action"] for c in shown["history"]][-3:] == ["confirm", "correct", "dispute"]
    counts = tmp_path / "counts.csv"
    counts.write_text("national_code,count\nH1,100\nR1,40\nF1,10\nZZ,5\n", encoding="utf-8")
    applied = json.loads(
        ok("iccs", "correspondence", "apply", *base, "--counts", str(counts), "--level", "1", "--json")
    )
    assert applied["iccs_counts"] == {"01": 100, "04": 10, "05": 30, "07": 10}
    assert applied["unmapped"] == {"ZZ": 5} and applied["total_in"] == 155
    out_csv = tmp_path / "iccs.csv"
    ok("iccs", "correspondence", "apply", *base, "--counts", str(counts), "--output", str(out_csv))
    assert out_csv.read_text().splitlines()[0] == "iccs_code,count"
    cov = json.loads(ok("iccs", "correspondence", "coverage", *base, "--counts", str(counts), "--json"))
    assert (cov["offences"], cov["mapped"], cov["confirmed"]) == (3, 3, 2)
    assert cov["share_counts_confirmed"] == pytest.approx(110 / 155)
    xlsx = tmp_path / "out.xlsx"
    ok("iccs", "correspondence", "export", *base, "--format", "xlsx", "--output", str(xlsx))
    ok(
        "iccs",
        "correspondence",
        "import",
        str(xlsx),
        "--country",
        "MEX",
        "--version",
        "2",
        "--name",
        "CPF",
        "--user",
        MEX,
    )
    exported = ok("iccs", "correspondence", "export", "--country", "MEX", "--version", "2")
    assert exported.splitlines()[1].startswith("H1,Homicidio doloso,,Art. 302,es,,,0101,1,confirmed")
