"""The dataflows the platform imports, described as data (after sdmx's ``sources.json``)."""

from __future__ import annotations

from observatory.model.dataflow import Component, Dataflow, Role

_SERIES = (
    Component("AREA", Role.dimension, "Country, reporting unit or region", "areas"),
    Component("TIME_PERIOD", Role.dimension, "Reference year"),
    Component("VARIABLE", Role.dimension, "What is counted"),
    Component("SEX", Role.dimension, "Sex (_T, F, M)"),
    Component("AGE", Role.dimension, "Age group (_T, adult, juvenile, SDG age codes)"),
    Component("OFFENCE", Role.dimension, "ICCS v1.0 code", "ICCS"),
    Component("STATUS", Role.dimension, "Detention status (sentenced, unsentenced)"),
    Component("CITIZENSHIP", Role.dimension, "Citizenship (national, foreign)"),
    Component("CATEGORY", Role.dimension, "Other breakdown"),
    Component("UNIT", Role.dimension, "Unit of measurement"),
    Component("OBS_VALUE", Role.measure, "The figure"),
    Component("OBS_STATUS", Role.attribute, "Flags: estimated, break-in-series, ..."),
    Component("SOURCE", Role.attribute, "The source's own attribution"),
    Component("COMMENT", Role.attribute, "Note"),
)

UNODC_CTS = Dataflow(
    id="UNODC_CTS",
    name="UN-CTS: crime and criminal justice (UNODC data portal)",
    agency="UNODC",
    description="UNODC data-portal exports built from the UN Survey of Crime Trends and Operations "
    "of Criminal Justice Systems, with categories mapped to ICCS v1.0.",
    components=_SERIES,
    url="https://dataunodc.un.org",
)
UN_SDG = Dataflow(
    id="UN_SDG",
    name="UN SDG Global Database: Goal 16 series",
    agency="UNSD",
    description="Series of the SDG global indicator database; VARIABLE is the SDG series code.",
    components=_SERIES,
    url="https://unstats.un.org/sdgs/dataportal",
)
WB_WDI = Dataflow(
    id="WB_WDI",
    name="World Bank World Development Indicators: population",
    agency="World Bank",
    description="SP.POP.TOTL, mid-year total population, used as the default denominator.",
    components=_SERIES,
    url="https://data.worldbank.org/indicator/SP.POP.TOTL",
)

JJ_POLICY = Dataflow(
    id="JJ_POLICY",
    name="Juvenile justice policy facts (UNICEF/UNODC indicators 12-15)",
    agency="UNODC",
    description="Yes/no facts per country and year (unit yes-no: 1 yes, 0 no) with their evidence (document "
    "title as SOURCE; legal reference, URL and date assessed in COMMENT), imported from the long CSV.",
    components=_SERIES,
)

SURVEY = Dataflow(
    id="SURVEY",
    name="Crime-victimization and corruption survey estimates",
    agency="UNODC",
    description="Design-based estimates (per cent) computed from survey microdata by `observatory survey "
    "indicators --publish`: VARIABLE is the concept, OFFENCE the ICCS crime type; CATEGORY _T is the "
    "estimate, ci-lower/ci-upper/se its precision, base-unweighted/base-weighted its bases; COMMENT states "
    "the interval, the design and the data dictionary.",
    components=_SERIES,
)

DATAFLOWS: dict[str, Dataflow] = {d.id: d for d in (UNODC_CTS, UN_SDG, WB_WDI, JJ_POLICY, SURVEY)}
