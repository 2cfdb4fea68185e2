"""Assessments in progress: sections saved all or nothing, evidence checked with the engine's rules, only the
draft's assessor may open it, and completing records the assessment and removes the draft."""

from __future__ import annotations

from datetime import date

import pytest

from observatory.auth import User
from observatory.errors import NotFound, PermissionDenied
from observatory.norms import drafts
from observatory.norms.assessments import country_scores, get_assessment
from observatory.norms.checklists import get_checklist
from observatory.store.db import Store

CHECKLIST = "bangkok-implementation"
ON = date(2024, 6, 30)


def _section(item: str) -> str:
    return get_checklist(CHECKLIST).item(item).section


def test_a_refused_section_keeps_nothing_and_names_each_field(store: Store, people: dict[str, User]) -> None:
    draft = drafts.start_draft(store, people["one"], CHECKLIST, "mex", ON)
    assert draft.country == "MEX" and draft.filled == {}  # nothing published: every indicator item noted
    assert {n.split(":")[0] for n in draft.not_filled} == {
        i.id for i in get_checklist(CHECKLIST).items if i.indicator
    }
    inputs = {
        "BR-02": drafts.ItemInput(rating="5"),
        "BR-03": drafts.ItemInput(rating="2", kind="document", file_name="scan.pdf", content=b"not a pdf"),
    }
    assert _section("BR-02") == _section("BR-03")
    with pytest.raises(drafts.SectionRefused) as refused:
        drafts.save_section(store, people["one"], draft.id, _section("BR-02"), inputs)
    assert set(refused.value.errors) == {"BR-02", "BR-03"}
    assert "not on the scale" in refused.value.errors["BR-02"]["rating"]
    assert "forbidden-evidence-type" in refused.value.errors["BR-03"]["file"]
    again, _ = drafts.get_draft(store, people["one"], draft.id)
    assert again.entries == {} and again.saved == []


def test_evidence_over_the_size_limit_is_refused(store: Store, people: dict[str, User]) -> None:
    draft = drafts.start_draft(store, people["one"], CHECKLIST, "MEX", ON)
    big = drafts.ItemInput(rating="1", kind="document", file_name="notes.txt", content=b"x" * 2048)
    with pytest.raises(drafts.SectionRefused) as refused:
        drafts.save_section(store, people["one"], draft.id, _section("BR-01"), {"BR-01": big}, max_bytes=1024)
    assert "evidence-too-large" in refused.value.errors["BR-01"]["file"]


def test_only_the_drafts_assessor_may_open_it(store: Store, people: dict[str, User]) -> None:
    draft = drafts.start_draft(store, people["two"], CHECKLIST, "MEX", ON)
    with pytest.raises(PermissionDenied):
        drafts.get_draft(store, people["one"], draft.id)  # an assessor of Mexico, but not this draft's
    with pytest.raises(PermissionDenied):
        drafts.get_draft(store, people["other"], draft.id)  # an assessor of Brazil
    with pytest.raises(PermissionDenied):
        drafts.start_draft(store, people["other"], CHECKLIST, "MEX", ON)
    assert drafts.get_draft(store, people["admin"], draft.id)[0].id == draft.id
    assert [d.id for d in drafts.list_drafts(store, people["two"])] == [draft.id]
    assert drafts.list_drafts(store, people["one"]) == []
    with pytest.raises(NotFound):
        drafts.get_draft(store, people["two"], "../../etc")


def test_completing_records_every_saved_section_and_removes_the_draft(
    store: Store, people: dict[str, User]
) -> None:
    user = people["one"]
    draft = drafts.start_draft(store, user, CHECKLIST, "MEX", ON)
    pdf = b"%PDF-1.4\n%%EOF\n"
    first = {
        "BR-02": drafts.ItemInput(rating="1", comment="draft law", kind="document", note="bill",
                                  file_name="bill.pdf", content=pdf),
        "BR-03": drafts.ItemInput(rating="n/a"),
    }  # fmt: skip
    drafts.save_section(store, user, draft.id, _section("BR-02"), first)
    drafts.save_section(store, user, draft.id, _section("BR-01"), {"BR-01": drafts.ItemInput(rating="2")})
    saved, _ = drafts.get_draft(store, user, draft.id)
    assert saved.entries["BR-02"].evidence[0]["file_name"] == "bill.pdf"
    assert saved.entries["BR-03"].rating == "n/a"
    assert saved.saved == [_section("BR-02"), _section("BR-01")]
    assessment, _ = drafts.complete(store, user, draft.id, note="desk review")
    recorded = get_assessment(store, user, assessment.id or 0)
    br01, br02, br03 = recorded.finding("BR-01"), recorded.finding("BR-02"), recorded.finding("BR-03")
    assert br02 is not None and br02.rating == 1 and br02.evidence[0].size == len(pdf)
    assert br02.evidence[0].description == "bill" and br02.comment == "draft law"
    assert br01 is not None and br01.rating == 2 and br03 is not None and br03.not_applicable
    assert recorded.note == "desk review" and recorded.assessed_on == ON
    assert country_scores(store, "MEX")["data"][0]["overall"]["score"] == pytest.approx((1 / 3 + 2 / 3) / 2)
    with pytest.raises(NotFound):
        drafts.get_draft(store, user, draft.id)
