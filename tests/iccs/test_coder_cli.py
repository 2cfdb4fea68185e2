"""``observatory iccs code`` and ``observatory iccs evaluate``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from observatory.cli.main import main


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_data: Path) -> Path:
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path / "var"))
    iccs = shared_data / "iccs"
    main(
        [
            "iccs",
            "load",
            str(iccs / "iccs_v1_0_long_original_en.csv"),
            str(iccs / "iccs_v1_0_long_original_es.csv"),
            str(iccs / "iccs_v1_0_alphabetical_index_en.csv"),
        ]
    )
    return tmp_path


def test_code_without_texts_explains_how_to_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path / "var"))
    code, _, err = _run(["iccs", "code", "Murder"], capsys)
    assert code == 1 and "observatory iccs load" in err and len(err.strip().splitlines()) == 1


def test_code_one_label_as_json(loaded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    code, out, _ = _run(["iccs", "code", "Hurto simple", "--lang", "es", "--top", "2", "--json"], capsys)
    assert code == 0
    payload = json.loads(out)
    assert payload["proposals"][0]["iccs_code"] == "0502"
    assert len(payload["proposals"]) == 2


def test_code_a_file(loaded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = loaded / "list.csv"
    items.write_text("code,label,description\nA1,Homicidio,\nA2,Cohecho,\n", encoding="utf-8")
    target = loaded / "proposals.csv"
    code, _, _ = _run(["iccs", "code", "--file", str(items), "--lang", "es", "--out", str(target)], capsys)
    assert code == 0
    rows = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
    assert list(rows[0]) == ["code", "rank", "iccs_code", "confidence"]
    assert [(r["code"], r["iccs_code"]) for r in rows if r["rank"] == "1"] == [
        ("A1", "0101"),
        ("A2", "07031"),
    ]


def test_code_a_file_without_columns(loaded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = loaded / "list.csv"
    items.write_text("id,name\n1,x\n", encoding="utf-8")
    code, _, err = _run(["iccs", "code", "--file", str(items), "--out", str(loaded / "p.csv")], capsys)
    assert code == 1 and "list.csv" in err and "missing column" in err


def test_evaluate(loaded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = loaded / "gold.csv"
    gold.write_text("label,description,iccs_code\nMurder,,0101\nRobbery,,0401\n", encoding="utf-8")
    capsys.readouterr()
    code, out, _ = _run(["iccs", "evaluate", str(gold)], capsys)
    assert code == 0
    assert json.loads(out)["top1"]["detailed"] == 1.0


def test_code_with_texts_and_unknown_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path / "var"))
    texts = str(shared_data / "iccs" / "iccs_v1_0_long_original_en.csv")
    code, out, _ = _run(["iccs", "code", "Murder", "--texts", texts, "--json"], capsys)
    assert code == 0 and json.loads(out)["proposals"][0]["iccs_code"] == "0101"
    code, _, err = _run(["iccs", "code", "Murder", "--lang", "xx", "--texts", texts], capsys)
    assert code == 1 and "unknown-language" in err
