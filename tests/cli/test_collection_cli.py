"""The data-collection commands: users, rounds, focal points, workbooks, validate, submit, review."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from collect.test_workflow_support import (
    FACILITIES,
    HELD,
    HELD_F,
    Values,
    long_csv,
    real_values,
    small_values,
)
from observatory.cli.main import main

ADMIN, REVIEWER, FP = "admin@unodc.org", "reviewer@unodc.org", "fp@interieur.gouv.fr"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class CLI:
    """Runs the console script's ``main`` and captures what it prints."""

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

    def ok(self, *args: str) -> Run:
        run = self(*args)
        assert run.code == 0, run.err
        return run


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> CLI:
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("OBSERVATORY_USER", raising=False)
    return CLI(capsys)


@pytest.fixture(scope="module")
def real(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Values:
    return real_values(shared_data, tmp_path_factory.mktemp("real"), "FRA")


def one_line_error(run: Run, *parts: str) -> None:
    assert run.code == 1
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.err
    for part in parts:
        assert part in lines[0]


@pytest.fixture
def team(cli: CLI) -> CLI:
    """An admin (bootstrap), a reviewer, France's focal point, and the round 2022."""
    cli.ok("user", "add", ADMIN, "--role", "admin")
    cli.ok("user", "add", REVIEWER, "--role", "reviewer", "--user", ADMIN)
    cli.ok("user", "add", FP, "--role", "focal-point", "--country", "FRA", "--user", ADMIN)
    cli.ok(
        "round",
        "open",
        "2022",
        "--reference-years",
        "2020,2021",
        "--deadline",
        "2022-06-30",
        "--user",
        REVIEWER,
    )
    return cli


def test_user_add_bootstraps_once_and_prints_the_token(cli: CLI) -> None:
    first = cli.ok("user", "add", ADMIN, "--role", "admin", "--json").json()
    assert first["role"] == "admin" and len(first["token"]) >= 40
    one_line_error(cli("user", "add", REVIEWER, "--role", "reviewer"), "--user EMAIL", "[unauthenticated]")
    text = cli.ok("user", "add", REVIEWER, "--role", "reviewer", "--user", ADMIN)
    assert "API token (shown once" in text.out
    one_line_error(
        cli("user", "add", "x@unodc.org", "--role", "reviewer", "--user", REVIEWER), "may not manage users"
    )
    users = cli.ok("user", "list", "--json").json()
    assert [u["email"] for u in users["data"]] == [ADMIN, REVIEWER] and users["count"] == 2
    token = cli.ok("user", "token", REVIEWER, "--user", REVIEWER)
    assert len(token.out.strip()) >= 40


def test_rounds_focal_points_and_tracking(team: CLI) -> None:
    cli = team
    one_line_error(
        cli(
            "round",
            "open",
            "2023",
            "--reference-years",
            "2022",
            "--deadline",
            "30/06/2023",
            "--user",
            REVIEWER,
        ),
        "not a date",
        "[invalid-date]",
    )
    one_line_error(
        cli("round", "open", "2023", "--reference-years", "2022", "--deadline", "2023-06-30"), "--user"
    )
    assert [r["year"] for r in cli.ok("round", "list", "--json").json()["data"]] == [2022]
    added = cli.ok(
        "focal-point",
        "add",
        "--country",
        "FRA",
        "--name",
        "Anne Martin",
        "--agency",
        "Ministère de l'Intérieur",
        "--email",
        "anne@interieur.gouv.fr",
        "--user",
        REVIEWER,
        "--json",
    ).json()
    cli.ok(
        "focal-point",
        "add",
        "--country",
        "MEX",
        "--name",
        "Ana López",
        "--agency",
        "INEGI",
        "--email",
        "ana@inegi.org.mx",
        "--fallback",
        "--status",
        "pending",
        "--user",
        REVIEWER,
    )
    listed = cli.ok("focal-point", "list", "--country", "FRA", "--json").json()
    assert listed["count"] == 1 and listed["data"][0]["agency"] == "Ministère de l'Intérieur"
    assert "Ana López" in cli.ok("focal-point", "list").out
    cli.ok("focal-point", "update", str(added["id"]), "--status", "withdrawn", "--user", REVIEWER)
    assert cli.ok("focal-point", "list", "--json").json()["data"][0]["status"] == "withdrawn"
    assert "dispatched to MEX" in cli.ok("round", "dispatch", "2022", "--user", REVIEWER).out
    cli.ok("round", "dispatch", "2022", "--country", "FRA", "--user", REVIEWER)
    cli.ok("round", "remind", "2022", "--country", "MEX", "--note", "by phone", "--user", REVIEWER)
    assert (
        "2099-01-31"
        in cli.ok(
            "round", "extend", "2022", "--country", "MEX", "--deadline", "2099-01-31", "--user", REVIEWER
        ).out
    )
    one_line_error(cli("round", "remind", "2022", "--country", "MEX", "--user", FP), "focal-point", "may not")
    status = cli.ok("round", "status", "2022", "--json").json()
    mex = next(c for c in status["countries"] if c["country"] == "MEX")
    assert (mex["reminders"], mex["deadline"], mex["extended"], mex["timeliness"]) == (
        1,
        "2099-01-31",
        True,
        "due",
    )
    assert status["rates"][0]["invited"] == 2
    text = cli.ok("round", "status", "2022").out
    assert "Response rates" in text and "Mexico (MEX)" in text


def test_workbook_generate_writes_the_country_workbook(team: CLI, tmp_path: Path) -> None:
    target = tmp_path / "fra.xlsx"
    team.ok("workbook", "generate", "--country", "fra", "--round", "2022", "--output", str(target))
    book = openpyxl.load_workbook(target, read_only=True)
    assert "_keys" in book.sheetnames and "J1 Persons held in prisons, by" in book.sheetnames
    book.close()
    one_line_error(team("workbook", "generate", "--country", "FRA", "--round", "1999"), "no round 1999")


def test_validate_reports_located_problems_and_stores_nothing(
    team: CLI, real: Values, tmp_path: Path
) -> None:
    bad_values: dict[tuple[str, int], float | str] = dict(small_values(real))
    bad_values[(HELD_F, 2021)] = real[(HELD, 2021)] + 5000
    bad = long_csv(tmp_path / "bad.csv", "FRA", bad_values)
    run = team("validate", str(bad), "--country", "FRA", "--round", "2022")
    assert run.code == 1
    assert "sum-of-parts-mismatch" in run.out and "bad.csv, row" in run.out and "NOT valid" in run.out
    body = team("validate", str(bad), "--json").json()
    assert body["valid"] is False and body["counts"]["sum-of-parts-mismatch"] >= 1
    good = long_csv(tmp_path / "good.csv", "FRA", small_values(real))
    assert "valid: 0 error(s)" in team.ok("validate", str(good), "--country", "FRA", "--round", "2022").out
    assert team.ok("round", "status", "2022", "--json").json()["countries"] == []  # nothing stored


def test_submit_review_and_publish(
    team: CLI, real: Values, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = team
    monkeypatch.setenv("OBSERVATORY_USER", FP)
    draft = long_csv(tmp_path / "draft.csv", "FRA", small_values(real))
    assert "5 new" in cli.ok("submission", "upload", str(draft), "--country", "FRA", "--round", "2022").out
    cli.ok(
        "submission",
        "edit",
        "--country",
        "FRA",
        "--round",
        "2022",
        "--key",
        FACILITIES,
        "--year",
        "2021",
        "--value",
        "265",
        "--comment",
        "recount",
    )
    assert (
        cli.ok("submission", "check", "--country", "FRA", "--round", "2022", "--json").json()["valid"] is True
    )
    submitted = cli.ok("submit", str(draft), "--country", "FRA", "--round", "2022", "--json").json()
    assert submitted["submission"]["state"] == "submitted" and submitted["upload"]["updated"] == 1

    monkeypatch.setenv("OBSERVATORY_USER", REVIEWER)
    one_line_error(
        cli("submission", "upload", str(draft), "--country", "FRA", "--round", "2022"), "may not upload"
    )
    cli.ok("review", "start", "--country", "FRA", "--round", "2022")
    query = cli.ok(
        "review",
        "query",
        "--country",
        "FRA",
        "--round",
        "2022",
        "--key",
        FACILITIES,
        "--year",
        "2021",
        "--text",
        "264 or 265?",
        "--json",
    ).json()
    one_line_error(
        cli("review", "validate", "--country", "FRA", "--round", "2022"), "not closed", "[open-queries]"
    )
    cli.ok(
        "review", "answer", str(query["id"]), "--text", "264, as first sent", "--value", "264", "--user", FP
    )
    cli.ok("review", "close-query", str(query["id"]), "--text", "ok")
    cli.ok("review", "validate", "--country", "FRA", "--round", "2022", "--comment", "checked")
    published = cli.ok("review", "publish", "--country", "FRA", "--round", "2022", "--json").json()
    assert published["inserted"] == 5 and published["release"] == 1

    shown = cli.ok("submission", "show", "--country", "FRA", "--round", "2022", "--json").json()
    assert shown["submission"]["state"] == "published" and shown["submission"]["release_number"] == 1
    facility = [h for h in shown["history"] if h["key"] == FACILITIES]
    assert [h["value"] for h in facility] == [264, 265]  # first upload, then the edit; now 264 again
    assert [m["kind"] for m in shown["queries"][0]["messages"]] == ["question", "answer", "close"]
    assert "published" in cli.ok("submission", "show", "--country", "FRA", "--round", "2022").out
    exported = cli.ok("export", "--area", "FRA", "--indicator", "prison-facilities").out
    assert "UN_CTS,FRA,2021" in exported and ",264" in exported


def test_review_return_sends_it_back(team: CLI, real: Values, tmp_path: Path) -> None:
    cli = team
    csv_file = long_csv(tmp_path / "fra.csv", "FRA", small_values(real))
    cli.ok("submit", str(csv_file), "--country", "FRA", "--round", "2022", "--user", FP)
    cli.ok("review", "start", "--country", "FRA", "--round", "2022", "--user", REVIEWER)
    returned = cli.ok(
        "review",
        "return",
        "--country",
        "FRA",
        "--round",
        "2022",
        "--comment",
        "add 2020",
        "--user",
        REVIEWER,
        "--json",
    ).json()
    assert returned["state"] == "returned-to-draft"
    one_line_error(
        cli("review", "publish", "--country", "FRA", "--round", "2022", "--user", REVIEWER),
        "[invalid-transition]",
    )
