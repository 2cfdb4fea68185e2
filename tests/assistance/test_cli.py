"""``observatory assistance ...``: import, list, show, summary, rate, rates, export, iati; errors exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET

from assistance.support import EXAMPLE
from observatory.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_assistance_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path / "var"))

    def ok(*args: str) -> str:
        code, out, err = run(capsys, *args)
        assert code == 0, err
        return out

    ok("user", "add", "admin@example.org", "--role", "admin")
    ok(
        "user",
        "add",
        "fp@example.org",
        "--role",
        "focal-point",
        "--country",
        "KEN",
        "--user",
        "admin@example.org",
    )
    code, _, err = run(capsys, "assistance", "import", str(EXAMPLE))
    assert code == 1 and "--user" in err
    code, _, err = run(capsys, "assistance", "import", str(EXAMPLE), "--user", "fp@example.org")
    assert code == 1 and "permission-denied" in err
    imported = json.loads(ok("assistance", "import", str(EXAMPLE), "--user", "admin@example.org", "--json"))
    assert imported["created"] == 5

    listed = json.loads(ok("assistance", "list", "--country", "ken", "--json"))
    assert [p["code"] for p in listed["data"]] == ["EX-KEN-01"]
    shown = json.loads(ok("assistance", "show", "EX-KEN-01", "--json"))
    assert shown["revision"] == 1 and shown["history"][0]["user"] == "admin@example.org"

    text = ok("assistance", "summary")
    assert text.startswith(
        "5 projects in 7 countries with a total pledged budget of EUR 800,000, GBP 1,200,000"
    )
    assert "no exchange rate for EUR, GBP" in text
    ok(
        "assistance",
        "rate",
        "EUR",
        "1.08",
        "--date",
        "2024-06-28",
        "--source",
        "test rate",
        "--user",
        "admin@example.org",
    )
    summary = json.loads(ok("assistance", "summary", "--by", "theme", "--rate", "GBP=1.25", "--json"))
    # USD 1,500,000 + 2,400,000 + 650,000 + EUR 800,000 x 1.08 + GBP 1,200,000 x 1.25 = 6,914,000
    assert summary["overall"]["usd"] == 6914000
    assert [r["source"] for r in summary["overall"]["rates"]] == ["test rate", "given by the user"]
    assert len(summary["groups"]) == 10
    assert json.loads(ok("assistance", "rates", "--json"))["count"] == 1

    out = tmp_path / "p.xlsx"
    ok("assistance", "export", "--format", "xlsx", "--output", str(out))
    again = json.loads(ok("assistance", "import", str(out), "--user", "admin@example.org", "--json"))
    assert again["unchanged"] == 5  # the export re-imports unchanged

    xml = ok("assistance", "iati", "--org-ref", "XX-T", "--org-name", "Test", "--theme", "judiciary")
    assert [
        a.findtext("iati-identifier") for a in SafeET.fromstring(xml.encode()).findall("iati-activity")
    ] == ["XX-T-EX-ETH-05"]
    bad = tmp_path / "bad.csv"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace("800000,EUR", "800000,EUX"), encoding="utf-8")
    code, _, err = run(capsys, "assistance", "import", str(bad), "--user", "admin@example.org")
    assert (
        code == 1
        and "bad.csv, row 5, column 'currency'" in err
        and "'EUX'" in err
        and "[unknown-currency]" in err
    )
    code, _, err = run(capsys, "assistance", "show", "NOPE")
    assert code == 1 and "unknown-project" in err
    code, _, err = run(capsys, "assistance", "fill", "EX-KEN-01", "--user", "admin@example.org")
    assert code == 1  # nothing published yet: the statistics cannot be read
