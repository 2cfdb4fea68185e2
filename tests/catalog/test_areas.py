"""The areas catalogue against the real M49/ISO files and the sources whose labels it must read."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from observatory.catalog.areas import (
    AREA_COLUMNS,
    AREAS_FILE,
    DATA,
    AreaCatalog,
    load_areas,
    normalise,
    read_catalog,
)
from observatory.errors import ConfigurationError, InvalidInput, NotFound
from observatory.model.area import Aggregation, Area, AreaKind

CATALOG = load_areas()
AREAS = list(CATALOG)
UNODC_FILES = (
    "unodc_cts_corruption_and_economic_crime_2024-05-16.csv",
    "unodc_cts_prisons_and_prisoners_2023-05-11.csv",
    "unodc_cts_violent_and_sexual_crime_2024-05-16.csv",
)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def pairs(path: Path, code: str, name: str) -> set[tuple[str, str]]:
    """The distinct (code, name) labels of a source file."""
    return {(row[code], row[name]) for row in read(path)}


@pytest.fixture(scope="module")
def unsd(shared_data: Path) -> list[dict[str, str]]:
    return read(shared_data / "m49" / "unsd_m49_overview_2019_export.csv")


@pytest.fixture(scope="module")
def iso(shared_data: Path) -> list[dict[str, str]]:
    return read(shared_data / "m49" / "iso3166_m49_regions_lukes.csv")


# -- the M49 and ISO files -------------------------------------------------------------------------


def test_every_unsd_row_is_a_country_with_the_same_codes(unsd: list[dict[str, str]]) -> None:
    flags = {
        "ldc": "Least Developed Countries (LDC)",
        "lldc": "Land Locked Developing Countries (LLDC)",
    }
    flags["sids"] = "Small Island Developing States (SIDS)"
    for row in unsd:
        area = CATALOG.get(row["ISO-alpha3 Code"] or row["M49 Code"])
        regions = (row["Region Code"], row["Sub-region Code"], row["Intermediate Region Code"])
        assert area.kind is AreaKind.country
        assert (area.name, area.m49, area.iso3 or "") == (
            row["Country or Area"],
            row["M49 Code"],
            row["ISO-alpha3 Code"],
        )
        assert (area.region or "", area.subregion or "", area.intermediate_region or "") == regions
        assert area.parent == next((c for c in reversed(regions) if c), "001")
        assert area.flags == {f for f, column in flags.items() if row[column] == "x"}


def test_every_iso_row_is_a_country_with_the_same_codes(iso: list[dict[str, str]]) -> None:
    differ = set()
    for row in iso:
        area = CATALOG.get(row["alpha-3"])
        assert (area.code, area.iso3, area.iso2, area.m49) == (
            row["alpha-3"],
            row["alpha-3"],
            row["alpha-2"],
            row["country-code"],
        )
        assert (area.region or "", area.subregion or "") == (
            row["region-code"],
            row["sub-region-code"],
        )
        if (area.intermediate_region or "") != row["intermediate-region-code"]:
            differ.add(area.code)
    # The ISO file leaves the Channel Islands out of intermediate region 830; UNSD's M49 has them.
    assert differ == {"GGY", "JEY"}
    assert {CATALOG.get(c).intermediate_region for c in differ} == {"830"}


def test_countries_are_the_union_of_both_files(unsd: list[dict[str, str]], iso: list[dict[str, str]]) -> None:
    m49 = {row["M49 Code"] for row in unsd} | {row["country-code"] for row in iso}
    assert {a.m49 for a in CATALOG.countries()} == m49
    assert len(CATALOG.countries()) == len(m49) == 250


def test_sark_has_no_iso_code_so_its_code_is_its_m49() -> None:
    sark = CATALOG.get("680")
    assert (sark.name, sark.iso2, sark.iso3, sark.parent) == ("Sark", None, None, "830")
    assert CATALOG.resolve("Sark") is sark


def test_taiwan_and_antarctica_have_no_region_and_hang_from_the_world() -> None:
    for code in ("TWN", "ATA"):
        area = CATALOG.get(code)
        assert (area.region, area.parent) == (None, "001")
    # the SDG database's label for M49 158
    assert CATALOG.resolve("Other non-specified areas in Eastern Asia") == CATALOG.get("TWN")


@pytest.mark.parametrize(
    ("code", "name", "kind", "parent"),
    [
        ("001", "World", AreaKind.world, None),
        ("002", "Africa", AreaKind.region, "001"),
        ("019", "Americas", AreaKind.region, "001"),
        ("142", "Asia", AreaKind.region, "001"),
        ("150", "Europe", AreaKind.region, "001"),
        ("009", "Oceania", AreaKind.region, "001"),
        ("015", "Northern Africa", AreaKind.subregion, "002"),
        ("202", "Sub-Saharan Africa", AreaKind.subregion, "002"),
        ("419", "Latin America and the Caribbean", AreaKind.subregion, "019"),
        ("021", "Northern America", AreaKind.subregion, "019"),
        ("154", "Northern Europe", AreaKind.subregion, "150"),
        ("014", "Eastern Africa", AreaKind.intermediate_region, "202"),
        ("017", "Middle Africa", AreaKind.intermediate_region, "202"),
        ("011", "Western Africa", AreaKind.intermediate_region, "202"),
        ("018", "Southern Africa", AreaKind.intermediate_region, "202"),
        ("005", "South America", AreaKind.intermediate_region, "419"),
        ("013", "Central America", AreaKind.intermediate_region, "419"),
        ("029", "Caribbean", AreaKind.intermediate_region, "419"),
        ("830", "Channel Islands", AreaKind.intermediate_region, "154"),
    ],
)
def test_regions(code: str, name: str, kind: AreaKind, parent: str | None) -> None:
    area = CATALOG.get(code)
    assert (area.name, area.kind, area.parent, area.m49) == (name, kind, parent, code)
    assert area in CATALOG.regions()


def test_region_levels_nest() -> None:
    above = {
        AreaKind.region: AreaKind.world,
        AreaKind.subregion: AreaKind.region,
        AreaKind.intermediate_region: AreaKind.subregion,
    }
    assert len(CATALOG.regions()) == 31
    for area in CATALOG.regions():
        if area.kind is not AreaKind.world:
            assert CATALOG.get(area.parent or "").kind is above[area.kind]
            assert [a.code for a in CATALOG.ancestors(area.code)][1:] == list(area.ancestors())


# -- reporting units -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "parent", "aggregation", "regions"),
    [
        ("GBR_E_W", "GBR", Aggregation.is_part, ("150", "154")),
        ("GBR_S", "GBR", Aggregation.is_part, ("150", "154")),
        ("GBR_NI", "GBR", Aggregation.is_part, ("150", "154")),
        ("IRQ_C", "IRQ", Aggregation.is_part, ("142", "145")),
        ("IRQ_KRI", "IRQ", Aggregation.is_part, ("142", "145")),
        ("XKX", "039", Aggregation.separate, ("150", "039")),
    ],
)
def test_reporting_units(code: str, parent: str, aggregation: Aggregation, regions: tuple[str, str]) -> None:
    unit = CATALOG.get(code)
    assert (unit.kind, unit.parent, unit.aggregation) == (
        AreaKind.reporting_unit,
        parent,
        aggregation,
    )
    assert (unit.region, unit.subregion) == regions
    assert unit in CATALOG.children(parent)


def test_children_and_ancestors() -> None:
    assert {a.code for a in CATALOG.children("GBR")} == {"GBR_E_W", "GBR_S", "GBR_NI"}
    assert {a.code for a in CATALOG.children("419")} == {"005", "013", "029"}
    assert [a.code for a in CATALOG.ancestors("GBR_E_W")] == ["001", "150", "154", "GBR"]
    assert CATALOG.ancestors("001") == []


def test_members_of_a_region_reach_every_depth() -> None:
    codes = {a.code for a in CATALOG.members("419")}
    assert {"MEX", "BRA", "JAM"} <= codes
    assert not codes & {"005", "013", "029", "USA"}
    assert {a.code for a in CATALOG.members("830")} == {"GGY", "JEY", "680"}


def test_members_of_the_world_count_each_country_once() -> None:
    members = CATALOG.members("001")
    codes = [a.code for a in members]
    assert len(codes) == len(set(codes))
    assert "GBR" in codes and "IRQ" in codes and "XKX" in codes
    assert not {"GBR_E_W", "GBR_S", "GBR_NI", "IRQ_C", "IRQ_KRI"} & set(codes)
    assert len(members) == len(CATALOG.countries()) + 1  # Kosovo counts on its own
    assert "XKX" in {a.code for a in CATALOG.members("039")}


def test_members_of_a_country_is_the_country() -> None:
    assert CATALOG.members("GBR") == [CATALOG.get("GBR")]


# -- lookups ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("AFG", "AFG"),
        ("afg", "AFG"),
        ("AF", "AFG"),
        ("4", "AFG"),
        ("004", "AFG"),
        ("Afghanistan", "AFG"),
        ("1", "001"),
        ("World", "001"),
        ("WORLD", "001"),  # UNODC
        ("WLD", "001"),  # World Bank
        ("OWID_WRL", "001"),
        ("Egypt, Arab Rep.", "EGY"),
        ("côte d'ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("Côte d’Ivoire", "CIV"),
        ("Korea, Rep.", "KOR"),
        ("South Korea", "KOR"),
        ("Iran, Islamic Rep.", "IRN"),
        ("Turkiye", "TUR"),
        ("Türkiye", "TUR"),
        ("Venezuela, RB", "VEN"),
        ("Netherlands (Kingdom of the)", "NLD"),
        ("Kosovo", "XKX"),
        ("Kosovo under UNSCR 1244", "XKX"),
        ("OWID_KOS", "XKX"),
        ("412", "XKX"),
        ("CHI", "830"),
        ("Channel Islands", "830"),
        ("United Kingdom (England and Wales)", "GBR_E_W"),
        ("England and Wales", "GBR_E_W"),
        ("gbr_e_w", "GBR_E_W"),
        ("827", "GBR_E_W"),
        ("Iraq (Kurdistan Region)", "IRQ_KRI"),
        ("Micronesia", "057"),
        ("Micronesia (UN)", "057"),
        ("Micronesia (country)", "FSM"),
        ("Africa (UN)", "002"),
        ("UN_LAC", "419"),
        ("South-Eastern Asia", "035"),
    ],
)
def test_resolve(text: str, code: str) -> None:
    found = CATALOG.resolve(text)
    assert found is not None and found.code == code


@pytest.mark.parametrize("text", ["", "   ", "Atlantis", "SSF", "EUU", "0", "1000", "XX"])
def test_resolve_unknown_is_none(text: str) -> None:
    assert CATALOG.resolve(text) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("EAS", "East Asia & Pacific"),
        ("hic", "High income"),
        ("EUU", "European Union"),
        ("199", "Least Developed Countries (LDCs)"),
        ("62", "Central and Southern Asia"),
        ("062", "Central and Southern Asia"),
        ("Northern Africa and Western Asia", "Northern Africa and Western Asia"),
    ],
)
def test_non_area(text: str, name: str) -> None:
    assert CATALOG.non_area(text) == name


@pytest.mark.parametrize("text", ["FRA", "WLD", "Sub-Saharan Africa", "Atlantis", ""])
def test_areas_and_unknowns_are_not_non_areas(text: str) -> None:
    assert CATALOG.non_area(text) is None


def test_get_unknown_code_names_it_and_suggests() -> None:
    with pytest.raises(NotFound, match="XXX") as raised:
        CATALOG.get("XXX")
    assert raised.value.code == "unknown-area"
    assert "GBR_E_W" in str(raised.value)  # says what a code looks like
    with pytest.raises(NotFound, match=r"did you mean FRA \(France\)"):
        CATALOG.get("France")


def test_container_protocol() -> None:
    assert "FRA" in CATALOG and "fra" in CATALOG and "France" not in CATALOG and 4 not in CATALOG
    assert len(CATALOG) == len(AREAS) == 31 + 250 + 6
    assert load_areas() is CATALOG


def test_search() -> None:
    assert {"KOR", "PRK"} <= {a.code for a in CATALOG.search("kor")}
    assert CATALOG.search("gb")[0].code == "GBR"
    names = [a.name for a in CATALOG.search("united", limit=3)]
    assert len(names) == 3 and all("United" in n for n in names)
    assert CATALOG.search("  ") == []
    with pytest.raises(InvalidInput, match="0"):
        CATALOG.search("x", limit=0)


@given(st.sampled_from(AREAS), st.data())
def test_every_code_round_trips(area: Area, data: st.DataObject) -> None:
    cased = "".join(data.draw(st.sampled_from([c.lower(), c.upper()])) for c in area.name)
    texts = [area.code, area.code.lower(), cased, f"  {area.name}  "]
    texts += [c for c in (area.iso2, area.iso3, area.m49) if c]
    if area.m49:
        texts.append(area.m49.lstrip("0"))
    for text in texts:
        assert CATALOG.resolve(text) is area, text


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


# -- the sources' labels ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", UNODC_FILES)
def test_every_unodc_label_resolves(shared_data: Path, name: str) -> None:
    for code, country in pairs(shared_data / "unodc_cts" / name, "Iso3_code", "Country"):
        area = CATALOG.resolve(code)
        assert area is not None, code
        assert CATALOG.resolve(country) is area, country


def test_every_world_bank_code_resolves_or_is_a_non_area(shared_data: Path) -> None:
    path = shared_data / "population" / "worldbank_sp_pop_totl_1960_2024.csv"
    non_areas = set()
    for code, name in pairs(path, "Country Code", "Country Name"):
        area = CATALOG.resolve(code)
        if area is None:
            assert CATALOG.non_area(code) == name
            non_areas.add(code)
        else:
            assert CATALOG.resolve(name) is area, name
    assert {"EAS", "HIC", "EUU", "SSF"} <= non_areas and len(non_areas) == 47


def test_every_sdg_area_resolves_or_is_a_non_area(shared_data: Path) -> None:
    path = shared_data / "sdg16" / "sdg_goal16_series_unsd_2020.csv"
    for code, name in pairs(path, "geo_area_m49", "geo_area_name"):
        area = CATALOG.resolve(code)
        if area is None:
            assert CATALOG.non_area(code) == name
        else:
            assert CATALOG.resolve(name) is area, name


def test_every_owid_entity_resolves(shared_data: Path) -> None:
    path = shared_data / "homicide" / "owid_homicide_rate_unodc_1990_2024.csv"
    for code, entity in pairs(path, "Code", "Entity"):
        area = CATALOG.resolve(entity)
        assert area is not None, entity
        assert not code or CATALOG.resolve(code) is area, code


# -- the files themselves --------------------------------------------------------------------------


def test_areas_file_has_the_documented_columns() -> None:
    with (DATA / AREAS_FILE).open(encoding="utf-8") as handle:
        assert tuple(next(csv.reader(handle))) == AREA_COLUMNS


def _copy_data(folder: Path) -> Path:
    for source in ("areas.csv", "area_aliases.csv", "non_m49_aggregates.csv"):
        (folder / source).write_text((DATA / source).read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    path = _copy_data(tmp_path) / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        ("areas.csv", ",country,", ",nation,", "nation"),
        ("areas.csv", "reporting-unit,,,,GBR,", "reporting-unit,,,,GBX,", "GBX"),
        ("areas.csv", "GBR_S,", "GBR_NI,", "listed twice"),
        ("area_aliases.csv", "Kosovo,XKX", "France,XKX", "already names FRA"),
        ("area_aliases.csv", "Kosovo,XKX", "Kosovo,XYZ", "XYZ"),
        ("area_aliases.csv", "WLD,001,worldbank", "WLD,001,imf", "imf"),
    ],
)
def test_broken_files_are_refused(tmp_path: Path, name: str, old: str, new: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        read_catalog(_broken_copy(tmp_path, name, old, new))


def test_reading_a_folder_gives_the_packaged_catalogue(tmp_path: Path) -> None:
    copy = read_catalog(_copy_data(tmp_path))
    assert isinstance(copy, AreaCatalog) and list(copy) == AREAS
