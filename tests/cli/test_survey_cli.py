"""``observatory survey estimate``: the issue's done-when command, domains, design files, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from observatory.cli.main import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_done_when_command(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = shared_data / "survey_api" / "apistrat.csv"
    code, out, _ = _run(
        capsys,
        "survey",
        "estimate",
        str(data),
        "--ids",
        "1",
        "--strata",
        "stype",
        "--weights",
        "pw",
        "--fpc",
        "fpc",
        "--mean",
        "api00",
        "--json",
    )
    assert code == 0
    body = json.loads(out)
    assert round(body["estimate"], 2) == 662.29 and round(body["se"], 4) == 9.4089


def test_by_domain_json_lists_estimates(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = shared_data / "survey_api" / "apiclus1.csv"
    code, out, _ = _run(
        capsys,
        "survey",
        "estimate",
        str(data),
        "--ids",
        "dnum",
        "--weights",
        "pw",
        "--fpc",
        "fpc",
        "--mean",
        "api00",
        "--by",
        "stype",
        "--json",
    )
    assert code == 0
    rows = json.loads(out)["estimates"]
    assert [row["domain"] for row in rows] == ["E", "H", "M"]
    assert rows[0]["se"] == pytest.approx(
        22.3624088938319, rel=1e-9
    )  # R: svyby(~api00, ~stype, dclus1, svymean)
    code, out, _ = _run(
        capsys, "survey", "estimate", str(data), "--ids", "dnum", "--weights", "pw", "--prop", "awards"
    )
    assert code == 0 and "Yes" in out and "DEff" in out


def test_design_file(shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    design = tmp_path / "design.toml"
    design.write_text('[design]\nids = ["dnum", "snum"]\nfpc = "fpc1+fpc2"\n', encoding="utf-8")
    data = shared_data / "survey_api" / "apiclus2.csv"
    code, out, _ = _run(
        capsys, "survey", "estimate", str(data), "--design", str(design), "--quantile", "api00:0.5", "--json"
    )
    assert code == 0
    body = json.loads(out)
    assert body["estimate"] == 653 and body["se"] == pytest.approx(45.978354418237, rel=1e-9)
    code, out, _ = _run(
        capsys, "survey", "estimate", str(data), "--design", str(design), "--ratio", "api00/api99", "--json"
    )
    assert code == 0 and json.loads(out)["statistic"] == "ratio"


def test_bad_design_exits_1_naming_the_row(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = shared_data / "survey_api" / "apistrat.csv"
    code, _, err = _run(
        capsys,
        "survey",
        "estimate",
        str(data),
        "--ids",
        "dnum",
        "--strata",
        "stype",
        "--weights",
        "pw",
        "--mean",
        "api00",
    )
    assert code == 1 and "cluster-in-several-strata" in err and "row 15" in err
    code, _, err = _run(capsys, "survey", "estimate", str(data), "--ids", "1", "--mean", "nothere")
    assert code == 1 and "unknown-variable" in err
