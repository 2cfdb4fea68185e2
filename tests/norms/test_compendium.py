"""The compendium: agrees with DOMAIN.md, validated on loading, searchable."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from observatory.catalog.norms import NORMS_DIR, load_compendium, read_compendium
from observatory.errors import InvalidInput, NotFound
from observatory.model.norm import Cluster, RuleRef
from observatory.norms.compendium import instrument_detail, instrument_list, search_rules

DOMAIN = Path(__file__).resolve().parents[3] / "shared" / "guide" / "DOMAIN.md"
CLUSTERS = {
    "a": Cluster.custody,
    "b": Cluster.cooperation,
    "c": Cluster.prevention_victims,
    "d": Cluster.governance,
}


@pytest.fixture(scope="module")
def domain() -> str:
    if not DOMAIN.is_file():
        pytest.fail(f"{DOMAIN} is missing")
    return DOMAIN.read_text(encoding="utf-8")


def _cluster_bullets(domain: str) -> dict[str, str]:
    section = domain.split("## The standards and norms", 1)[1].split("###", 1)[0]
    return {
        m.group(1): m.group(2) for m in re.finditer(r"^- \(([a-d])\) (.*?)(?=^- \(|\Z)", section, re.M | re.S)
    }


def test_clusters_match_domain(domain: str) -> None:
    bullets = _cluster_bullets(domain)
    compendium = load_compendium()
    assert [c.letter for c in compendium.clusters] == sorted(bullets) == ["a", "b", "c", "d"]
    for info in compendium.clusters:
        assert CLUSTERS[info.letter] is info.id
        assert bullets[info.letter].lower().startswith(info.title.split(",")[0].lower()[:20])


def test_every_adoption_reference_of_domain_is_an_instrument_of_its_cluster(domain: str) -> None:
    compendium = load_compendium()
    by_reference = {i.resolution: i for i in compendium.instruments.values() if i.resolution}
    checked = 0
    for letter, text in _cluster_bullets(domain).items():
        for body, number in re.findall(r"\b(GA|ECOSOC) (\d+/\d+)", text):
            instrument = by_reference.get(f"{body} {number}")
            assert instrument is not None, f"{body} {number} ({letter}) is not in the compendium"
            assert instrument.cluster is CLUSTERS[letter], f"{instrument.id} is in the wrong cluster"
            checked += 1
    assert checked >= 20


def test_instruments_without_resolution_have_the_year_domain_gives(domain: str) -> None:
    bullets = _cluster_bullets(domain)
    compendium = load_compendium()
    for short, year in [
        ("Use of Force", 1990),
        ("Independence of the Judiciary", 1985),
        ("Role of Lawyers", 1990),
        ("Role of Prosecutors", 1990),
    ]:
        assert f"{short}" in bullets["d"] and f"({year})" in bullets["d"]
        found = [i for i in compendium.instruments.values() if short in i.name]
        assert len(found) == 1 and found[0].year == year and found[0].cluster is Cluster.governance


def test_the_issue_instruments_are_present() -> None:
    names = " | ".join(i.name for i in load_compendium().instruments.values())
    for needle in [
        "Nelson Mandela",
        "Bangkok",
        "Tokyo",
        "Beijing",
        "Riyadh",
        "Havana",
        "Child Victims and Witnesses",
        "Justice for Victims",
        "restorative justice",
        "Prevention of Crime",
        "urban crime prevention",
        "Independence of the Judiciary",
        "Role of Prosecutors",
        "Role of Lawyers",
        "Code of Conduct for Law Enforcement",
        "Use of Force",
        "Legal Aid",
        "Mutual Assistance",
        "Extradition",
    ]:
        assert needle in names, needle


def _ranges(text: str) -> list[tuple[int, int, str]]:
    """``6-18 health care`` (Bangkok's order) or ``health care 24-35`` (Mandela's)."""
    found = []
    for m in re.finditer(r"(?:^|[;:(] ?)(\d+)(?:-(\d+))? ([a-z][a-z ,']+?)(?= \(|;|\)|\.|$)", text):
        found.append((int(m.group(1)), int(m.group(2) or m.group(1)), m.group(3).strip()))
    for m in re.finditer(r"([a-z][a-z ,'/]+?) (\d+)(?:-(\d+))?(?=[;).]|$)", text):
        found.append((int(m.group(2)), int(m.group(3) or m.group(2)), m.group(1).strip()))
    return found


@pytest.mark.parametrize(
    ("instrument", "marker", "count"),
    [("bangkok", "Bangkok Rules (70)", 70), ("mandela", "Nelson Mandela Rules (122)", 122)],
)
def test_theme_ranges_match_domain(domain: str, instrument: str, marker: str, count: int) -> None:
    line = next(x for x in domain.split("\n- ") if x.startswith(marker))
    rules = load_compendium().instrument(instrument).rules
    assert [int(r.number) for r in rules] == list(range(1, count + 1))
    starts = {int(s.rules[0].number) for s in load_compendium().instrument(instrument).sections if s.rules}
    ranges = [r for r in _ranges(line.replace("\n", " ")) if r[1] <= count and r[0] >= 1]
    assert len(ranges) >= 12
    for first, last, theme in ranges:
        # every theme range of DOMAIN.md starts a section of ours and ends where another starts (we may
        # split a theme further, e.g. Bangkok 19-25 into searches, discipline, restraint, complaints)
        assert first in starts, f"{instrument} {first}-{last} ({theme}) does not start a section"
        assert last == count or last + 1 in starts, f"{instrument} {first}-{last} ({theme}) ends mid-section"


def test_bangkok_and_mandela_are_cross_linked() -> None:
    compendium = load_compendium()
    links = compendium.relations_of(RuleRef("bangkok", "24"))
    assert [(d, r.kind.value, str(r.target)) for d, r in links] == [("outgoing", "supplements", "mandela:48")]
    assert any(r.kind.value == "complements" and r.target.instrument == "tokyo" for r in compendium.relations)


def test_views_and_search() -> None:
    listed = {r["id"]: r for r in instrument_list()}
    assert listed["mandela"]["rules"] == 122 and listed["bangkok"]["rules"] == 70
    assert listed["vienna-guidelines"]["complete"] is False
    detail = instrument_detail("bangkok")
    assert detail["sections"][0]["rules"][0]["links"][0]["ref"] == "mandela:2"
    hits = search_rules("solitary confinement")
    assert [h["ref"] for h in hits][:3] == ["mandela:43", "mandela:44", "mandela:45"]
    assert [h["ref"] for h in search_rules("legal-aid:g4")] == ["legal-aid:G4"]
    assert all(h["instrument"] == "havana" for h in search_rules("inspection", instrument="havana"))
    assert {h["instrument"] for h in search_rules("training", cluster=Cluster.governance)} <= {
        i.id for i in load_compendium().instruments.values() if i.cluster is Cluster.governance
    }
    with pytest.raises(NotFound) as err:
        instrument_detail("nope")
    assert err.value.code == "unknown-instrument"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "norms"
    shutil.copytree(NORMS_DIR, target)
    return target


def test_a_duplicate_rule_number_names_file_and_item(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "instruments" / "tokyo.toml"
    path.write_text(path.read_text().replace('["2", "Scope of non-custodial measures"]', '["1", "Again"]'))
    with pytest.raises(InvalidInput) as err:
        read_compendium(folder)
    assert err.value.code == "duplicate-rule"
    assert "norms/tokyo.toml" in str(err.value) and "sections[0].rules[1]" in str(err.value)


def test_a_link_to_an_unknown_rule_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "relations.toml"
    path.write_text(
        path.read_text().replace(
            '["bangkok:24", "supplements", "mandela:48"]', '["bangkok:24", "supplements", "mandela:123"]'
        )
    )
    with pytest.raises(InvalidInput) as err:
        read_compendium(folder)
    assert err.value.code == "unknown-rule" and "mandela:123" in str(err.value)
    assert "norms/relations.toml" in str(err.value)


def test_a_wrong_count_and_an_unknown_cluster_are_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "instruments" / "bangkok.toml"
    path.write_text(
        path.read_text().replace(
            'rules = [["70", "Public awareness and sharing of good practice"]]', "rules = []"
        )
    )
    with pytest.raises(InvalidInput) as err:
        read_compendium(folder)
    assert err.value.code == "rule-count-mismatch"
    folder2 = _copy(tmp_path / "two")
    path = folder2 / "instruments" / "tokyo.toml"
    path.write_text(path.read_text().replace('cluster = "custody"', 'cluster = "prisons"'))
    with pytest.raises(InvalidInput) as err:
        read_compendium(folder2)
    assert err.value.code == "unknown-cluster"


def test_rule_reference_parsing() -> None:
    assert RuleRef.parse(" Bangkok : 24 ") == RuleRef("bangkok", "24")
    assert str(RuleRef.parse("legal-aid:g4")) == "legal-aid:G4"
    with pytest.raises(InvalidInput) as err:
        RuleRef.parse("bangkok 24")
    assert err.value.code == "invalid-rule-reference"
