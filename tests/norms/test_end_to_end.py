"""An assessor completes a Bangkok Rules assessment for Mexico from the command line; the items backed by
indicators are filled from the real UN-CTS prison statistics with their provenance; score and gaps follow."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from observatory.auth import Role, add_user
from observatory.cli.main import main
from observatory.indicators.compute import compute
from observatory.norms.checklists import get_checklist
from observatory.store.db import Store
from observatory.web.app import create_app

with warnings.catch_warnings():  # starlette asks for httpx2 when it finds httpx; the client works the same
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _latest(store: Store, indicator: str) -> tuple[float, int]:
    rows = [r for r in compute(store, indicator, area="MEX").rows if r["value"] is not None]
    row = max(rows, key=lambda r: r["year"])
    return float(row["value"]), int(row["year"])


def test_bangkok_assessment_filled_from_real_prison_statistics(
    prison_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(prison_store.settings.data_dir))
    admin, _ = add_user(prison_store, None, "admin@unodc.example", Role.admin)
    add_user(prison_store, admin, "assessor@unodc.example", Role.assessor, countries=["MEX"])
    checklist = get_checklist("bangkok-implementation")
    manual = [i for i in checklist.items if i.indicator is None]
    lines = ["item,rating,comment,answer,evidence_kind,evidence_description"]
    for n, item in enumerate(manual):
        if item.kind.value == "text":
            lines.append(f'{item.id},,,"Reform led by the prison service",interview,director')
        else:
            lines.append(f"{item.id},{'n/a' if item.id == 'BR-25' else n % 4},,,document,regulation {n}")
    (tmp_path / "mex.csv").write_text("\n".join(lines) + "\n")

    code, out, err = _run(
        capsys,
        "norms",
        "assess",
        str(tmp_path / "mex.csv"),
        "--checklist",
        "bangkok-implementation",
        "--country",
        "MEX",
        "--date",
        "2024-06-30",
        "--user",
        "assessor@unodc.example",
        "--json",
    )
    assert code == 0, err
    view = json.loads(out)
    findings = {f["item"]: f for f in view["findings"]}
    assert len(findings) == len(checklist.items)  # every item answered or filled
    for item_id, indicator in [
        ("BR-04", "prison_occupancy"),
        ("BR-10", "deaths_in_custody_per_10k"),
        ("BR-27", "sdg_16_3_2"),
        ("BR-30", "women_share"),
    ]:
        value, year = _latest(prison_store, indicator)
        found = findings[item_id]
        assert found["source"] == "indicator"
        assert found["provenance"]["value"] == pytest.approx(value) and found["provenance"]["year"] == year
        link = checklist.item(item_id).indicator
        assert link is not None and found["rating"] == link.rate(value)
        assert found["evidence"][-1]["kind"] == "statistic"
    assert findings["BR-30"]["rating"] is None  # a context figure: recorded, not rated
    assert 0 <= view["overall"]["score"] <= 1

    # the provenance link explains the figure down to the file and row
    client = TestClient(create_app(prison_store.settings, store=prison_store))
    explained = client.get(findings["BR-04"]["provenance"]["explain"])
    assert explained.status_code == 200, explained.text
    assert "MEX" in explained.text and "persons-held" in explained.text

    code, out, err = _run(capsys, "norms", "score", "MEX", "--json")
    assert code == 0, err
    scores = json.loads(out)["data"][0]
    assert scores["checklist"] == "bangkok-implementation" and scores["overall"] == view["overall"]
    code, out, err = _run(capsys, "norms", "gaps", "MEX", "--json")
    gaps = json.loads(out)["data"]
    rated = {
        k: f["rating"] for k, f in findings.items() if f["rating"] is not None and not f["not_applicable"]
    }
    assert sorted(g["item"] for g in gaps) == sorted(k for k, r in rated.items() if r < 2)
    assert all(g["rules"] and g["key"].startswith("MEX:bangkok-implementation:") for g in gaps)

    # the wrong country is refused with a one-line error and nothing is stored
    code, out, err = _run(
        capsys,
        "norms",
        "assess",
        str(tmp_path / "mex.csv"),
        "--checklist",
        "bangkok-implementation",
        "--country",
        "FRA",
        "--date",
        "2024-06-30",
        "--user",
        "assessor@unodc.example",
    )
    assert code == 1 and "acts only for its own country (MEX)" in err
    code, out, _ = _run(capsys, "norms", "assessments", "--user", "admin@unodc.example", "--json")
    assert json.loads(out)["count"] == 1
