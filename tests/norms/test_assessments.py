"""Recording assessments: all or nothing, bad input refused, roles, countries, versions, agreement, gaps."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from observatory.auth import User
from observatory.errors import Conflict, InvalidInput, PermissionDenied
from observatory.norms import assessments as service
from observatory.norms import checklists
from observatory.norms.entries import read_entries
from observatory.store.db import Store
from observatory.store.tables import NormAssessmentRow, NormEvidenceRow, NormFindingRow

JJ = "juvenile-justice-policy"
BR = "bangkok-implementation"
DAY = date(2024, 3, 1)


def _count(store: Store) -> tuple[int, int, int]:
    with store.session() as s:
        return tuple(
            int(s.scalar(select(func.count()).select_from(t)) or 0)  # type: ignore[return-value]
            for t in (NormAssessmentRow, NormFindingRow, NormEvidenceRow)
        )


def test_record_with_evidence_file(store: Store, people: dict[str, User], tmp_path: Path) -> None:
    (tmp_path / "law.pdf").write_bytes(b"%PDF-1.4 inspection law")
    (tmp_path / "ratings.csv").write_text(
        "item,rating,comment,evidence_kind,evidence_description,evidence_url,evidence_file\n"
        "JJ-12,1,inspections by the ombudsman,document,Law 12/2020,,law.pdf\n"
        "JJ-13,0,,interview,director,,\n"
        "JJ-14,1,,,,,\n"
        "JJ-15,0,,,,https://example.org/plan,\n"
    )
    a, _notes = service.record_assessment(
        store,
        people["one"],
        JJ,
        "mex",
        DAY,
        read_entries(tmp_path / "ratings.csv"),
        base=tmp_path,
        fill=False,
    )
    assert (
        a.country == "MEX"
        and a.assessor == "one@example.org"
        and [f.rating for f in a.findings] == [1, 0, 1, 0]
    )
    evidence = a.finding("JJ-12").evidence[0]  # type: ignore[union-attr]
    assert (
        evidence.file_name == "law.pdf" and evidence.media_type == "application/pdf" and evidence.size == 23
    )
    assert (
        (store.settings.originals_dir / evidence.file_sha256[:2] / evidence.file_sha256)
        .read_bytes()
        .startswith(b"%PDF")
    )
    assert _count(store) == (1, 4, 3)
    scores = service.country_scores(store, "MEX")["data"][0]
    assert scores["overall"]["score"] == 0.5
    assert [g["item"] for g in service.country_gaps(store, "MEX")["data"]] == ["JJ-13", "JJ-15"]


@pytest.mark.parametrize(
    ("entries", "code"),
    [
        ([{"item": "JJ-12", "rating": 2}], "rating-out-of-scale"),
        ([{"item": "JJ-12", "rating": "n/a"}], "not-applicable-refused"),
        ([{"item": "JJ-99", "rating": 1}], "unknown-item"),
        ([{"item": "JJ-12", "rating": 1}, {"item": "JJ-12", "rating": 0}], "duplicate-item"),
        ([{"item": "JJ-12", "rating": 1, "evidence": [{"kind": "rumour"}]}], "invalid-evidence-kind"),
        (
            [
                {
                    "item": "JJ-12",
                    "rating": 1,
                    "evidence": [
                        {"filename": "tool.exe", "content_base64": base64.b64encode(b"MZ").decode()}
                    ],
                }
            ],
            "forbidden-evidence-type",
        ),
        (
            [
                {
                    "item": "JJ-12",
                    "rating": 1,
                    "evidence": [
                        {"filename": "fake.pdf", "content_base64": base64.b64encode(b"MZ...").decode()}
                    ],
                }
            ],
            "forbidden-evidence-type",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    store: Store, people: dict[str, User], entries: list[dict[str, object]], code: str
) -> None:
    good = [{"item": "JJ-13", "rating": 1}]
    with pytest.raises(InvalidInput) as err:
        service.record_assessment(store, people["one"], JJ, "MEX", DAY, [*good, *entries], fill=False)
    assert err.value.code == code and "nothing was stored" in str(err.value)
    assert err.value.details and err.value.details[0]["code"] == code
    assert _count(store) == (0, 0, 0)


def test_too_large_evidence_and_all_problems_at_once(store: Store, people: dict[str, User]) -> None:
    big = base64.b64encode(b"%PDF" + b"x" * 2000).decode()
    entries = [
        {"item": "JJ-12", "rating": 5, "_row": 1},
        {
            "item": "JJ-13",
            "rating": 1,
            "evidence": [{"filename": "big.pdf", "content_base64": big}],
            "_row": 2,
        },
    ]
    with pytest.raises(InvalidInput) as err:
        service.record_assessment(store, people["one"], JJ, "MEX", DAY, entries, fill=False, max_bytes=1000)
    assert [d["code"] for d in err.value.details] == ["rating-out-of-scale", "evidence-too-large"]
    assert [d["row"] for d in err.value.details] == [1, 2]
    assert _count(store) == (0, 0, 0)


def test_roles_and_countries(store: Store, people: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        service.record_assessment(
            store, people["other"], JJ, "MEX", DAY, [{"item": "JJ-12", "rating": 1}], fill=False
        )
    a, _ = service.record_assessment(
        store, people["one"], JJ, "MEX", DAY, [{"item": "JJ-12", "rating": 1}], fill=False
    )
    with pytest.raises(PermissionDenied):
        service.get_assessment(store, people["other"], a.id or 0)
    assert service.list_assessments(store, people["other"]) == []
    assert [x.id for x in service.list_assessments(store, people["two"])] == [a.id]
    with pytest.raises(Conflict) as err:
        service.record_assessment(
            store, people["one"], JJ, "MEX", DAY, [{"item": "JJ-12", "rating": 1}], fill=False
        )
    assert err.value.code == "assessment-exists"


def test_agreement_delta_and_consensus(store: Store, people: dict[str, User]) -> None:
    one = [
        {"item": "JJ-12", "rating": 1},
        {"item": "JJ-13", "rating": 1},
        {"item": "JJ-14", "rating": 0},
        {"item": "JJ-15", "rating": 0},
    ]
    two = [
        {"item": "JJ-12", "rating": 1},
        {"item": "JJ-13", "rating": 0},
        {"item": "JJ-14", "rating": 0},
        {"item": "JJ-15", "rating": 0},
    ]
    a, _ = service.record_assessment(store, people["one"], JJ, "MEX", DAY, one, fill=False)
    b, _ = service.record_assessment(store, people["two"], JJ, "MEX", DAY, two, fill=False)
    result = service.assessment_agreement(store, people["admin"], a.id or 0, b.id or 0)
    # po = 3/4; A: yes 2/4, B: yes 1/4 -> pe = .5*.25 + .5*.75 = .5 -> kappa = .5
    assert result["kappa"] == 0.5 and result["disagreements"] == [{"item": "JJ-13", "a": 1, "b": 0}]
    scores = service.country_scores(store, "MEX")["data"][0]
    assert scores["assessors"] == ["one@example.org", "two@example.org"]
    assert scores["overall"]["score"] == pytest.approx((1 + 0.5 + 0 + 0) / 4, abs=1e-4)
    c, _ = service.record_assessment(
        store,
        people["one"],
        JJ,
        "MEX",
        date(2025, 1, 1),
        [{"item": "JJ-13", "rating": 1}, {"item": "JJ-14", "rating": 1}],
        fill=False,
    )
    change = service.assessment_delta(store, people["admin"], a.id or 0, c.id or 0)
    assert {i["item"]: i["change"] for i in change["items"]} == {"JJ-12": None, "JJ-14": 1, "JJ-15": None}
    assert service.country_scores(store, "MEX")["data"][0]["assessments"] == [c.id]


def test_old_assessments_keep_their_checklist_version(
    store: Store, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _ = service.record_assessment(
        store, people["one"], JJ, "MEX", DAY, [{"item": "JJ-12", "rating": 1}], fill=False
    )
    shipped = checklists.load_checklists()
    v1 = shipped[JJ]
    v2 = replace(v1, version="2.0", items=v1.items[1:], title="Revised")
    monkeypatch.setattr(service, "load_checklists", lambda: {**shipped, JJ: v2})
    monkeypatch.setattr(service, "get_checklist", lambda _id: v2)
    old = service.assessment_view(store, service.get_assessment(store, people["one"], a.id or 0))
    assert old["version"] == "1.0" and old["findings"][0]["rules"] == ["havana:72", "havana:73", "havana:74"]
    changed = replace(v1, title="Edited without a new version")
    monkeypatch.setattr(service, "get_checklist", lambda _id: changed)
    with pytest.raises(Conflict) as err:
        service.record_assessment(
            store, people["one"], JJ, "MEX", date(2024, 4, 1), [{"item": "JJ-13", "rating": 1}], fill=False
        )
    assert err.value.code == "checklist-changed"
    assert _count(store)[0] == 1


def test_json_entries(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"findings": [{"item": "BR-01", "rating": "n/a"}]}))
    assert read_entries(path) == [{"item": "BR-01", "rating": "n/a", "_row": 1}]
    assert BR in checklists.load_checklists()
