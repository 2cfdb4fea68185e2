"""Drafting with the coder, the review queue, coverage on a hand-made table, reading national lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from collect.test_workflow_support import make_team
from observatory.catalog.iccs import load_iccs
from observatory.errors import InvalidInput
from observatory.iccs import correspondence as corr
from observatory.iccs.correspondence_review import coder_for, draft, read_list, review_queue
from observatory.iccs.coverage import coverage
from observatory.iccs.texts import load_files
from observatory.model.correspondence import Correspondence, Link, MappingStatus, NationalOffence
from observatory.store.db import Store


def test_coverage_of_a_small_table() -> None:
    offences = [NationalOffence(c, c) for c in ("A", "B", "C", "D")]
    links = [
        Link("A", "0101", status=MappingStatus.confirmed),
        Link("B", "0401", 0.5, MappingStatus.confirmed),
        Link("B", "0502", 0.5),
        Link("C", "0102"),
    ]
    report = coverage(
        Correspondence("MEX", "t", "1", offences, links), load_iccs(), {"A": 6, "B": 4, "D": 10}
    )
    assert (report.offences, report.mapped, report.confirmed) == (4, 3, 2)
    assert report.share_mapped == 0.75 and report.share_confirmed == 0.5
    assert report.share_counts_mapped == pytest.approx(0.5)
    assert report.share_counts_confirmed == pytest.approx(8 / 20)
    assert [(s.code, s.offences, s.offences_confirmed, s.counts) for s in report.sections] == [
        ("01", 2, 1, 6.0),
        ("04", 1, 1, 2.0),
        ("05", 1, 0, 2.0),
    ]


def test_read_list_refuses_bad_lists(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("code,label\nA,Robo\nA,Hurto\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_list(path)
    assert caught.value.code == "duplicate-national-code"
    assert caught.value.location is not None and caught.value.location.row == 3
    path.write_text("code,label\nA,\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="empty label"):
        read_list(path)


def test_draft_with_the_real_coder(store: Store, tmp_path: Path, shared_data: Path) -> None:
    load_files(
        store,
        [
            shared_data / "iccs" / "iccs_v1_0_long_original_en.csv",
            shared_data / "iccs" / "iccs_v1_0_alphabetical_index_en.csv",
        ],
    )
    team = make_team(store)
    path = tmp_path / "list.csv"
    path.write_text(
        "code,label,description\nH1,Intentional homicide,\nB1,Burglary of a dwelling,\n", encoding="utf-8"
    )
    coder = coder_for(store)
    info = draft(store, team.fra, coder, path, country="FRA", name="Codes", version="d1", lang="en")
    assert info.offences == 2
    table = corr.load(store, "FRA", "d1")
    assert all(link.status is MappingStatus.proposed and link.confidence is not None for link in table.links)
    assert table.links_of("H1")[0].iccs_code in load_iccs()  # the coder's accuracy is tested elsewhere
    proposals = corr.proposals_of(store, "FRA", "d1")
    assert proposals["H1"][0]["iccs_code"] == table.links_of("H1")[0].iccs_code
    queued = {item.national_code for item in review_queue(store, "FRA", "d1", threshold=1.01)}
    assert queued == {"H1", "B1"}
    assert review_queue(store, "FRA", "d1", threshold=0.0) == []
