"""A synthetic but realistic crime-victimization survey whose truth is known.

:func:`make_population` builds a finite population (about ``size`` persons aged 15 and over, in
households, in enumeration areas (EAs), in 6 regions x urban/rural = 12 strata). Each person's true
victimization by five ICCS crime types, reporting to the police, contact with a public official, bribe
paid and feeling of safety are drawn from logistic models with region, urban, sex and age effects and an
EA random effect (so that clustering gives design effects above 1). :func:`truth` gives the finite
population values every estimate aims at.

:func:`draw_sample` draws a stratified two-stage sample: EAs by simple random sampling without replacement
in each stratum (allocation proportional to size, at least 3), then ``households`` households per EA;
every person of a sampled household is asked. Optional unit non-response depends on sex and age (young men
answer least), and a small share of "don't know" answers is added; the respondent file carries design
weights and both stages' population sizes (``fpc_ea``, ``fpc_hh``), questionnaire codes (1 yes, 2 no,
8 don't know) and value labels. :data:`DESIGN_TOML` declares the design and a post-stratification to the
population's sex x age cells (:func:`design_toml` fills in the counts); :data:`DICTIONARY_TOML` maps the
items.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from observatory.errors import InvalidInput
from observatory.model.observation import TOTAL
from observatory.surveys.crime import Concept
from observatory.surveys.microdata import write_labelled

# ICCS code, item suffix, base logit, (male, female) effect, reporting base logit, reporting female effect
CRIMES: tuple[tuple[str, str, float, tuple[float, float], float, float], ...] = (
    ("0201", "assault", -3.3, (0.25, -0.25), -0.85, 0.1),
    ("0401", "robbery", -4.3, (0.2, -0.2), -0.4, 0.0),
    ("0301", "sexual", -5.0, (-1.2, 0.6), -1.9, -0.2),
    ("0501", "burglary", -3.5, (0.0, 0.0), 0.4, 0.0),
    ("0502", "theft", -2.8, (0.0, 0.05), -0.6, 0.0),
)
REGIONS = 6
REGION_SHARES = np.array([0.25, 0.20, 0.18, 0.15, 0.12, 0.10])
URBAN_SHARES = np.array([0.80, 0.60, 0.50, 0.45, 0.35, 0.30])
AGE_GROUPS = ("15-29", "30-44", "45-64", "65+")
AGE_SHARES = np.array([0.30, 0.28, 0.28, 0.14])
AGE_EFFECT = np.array([0.45, 0.15, -0.2, -0.6])  # younger people are victimized more
YES, NO, DONT_KNOW = 1, 2, 8
SAFE_LABELS = {1: "very safe", 2: "fairly safe", 3: "a bit unsafe", 4: "very unsafe", 8: "don't know"}


def _logit(x: np.ndarray) -> np.ndarray:
    result: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return result


@dataclass(frozen=True)
class Population:
    """The finite population: one row per person (true statuses, 0/1), and its size by stratum."""

    persons: pd.DataFrame
    seed: int

    @property
    def size(self) -> int:
        return len(self.persons)

    def margins(self) -> dict[str, float]:
        """Population count per sex x age cell (``M:15-29``), the post-stratification margins."""
        counts = self.persons.groupby("ps_cell").size()
        return {str(k): float(v) for k, v in counts.items()}


def make_population(size: int = 2_000_000, seed: int = 20240601) -> Population:
    """About ``size`` persons aged 15+ in households and EAs (see the module docstring)."""
    if size < 20_000:
        raise InvalidInput(
            f"a synthetic population needs at least 20,000 persons, got {size}", code="invalid-size"
        )
    rng = np.random.default_rng(seed)
    households_per_ea = rng.integers(80, 221, size=int(size / (150 * 2.2) * 1.05) + 12)
    ea_count = households_per_ea.size
    region = rng.choice(REGIONS, size=ea_count, p=REGION_SHARES)
    urban = (rng.random(ea_count) < URBAN_SHARES[region]).astype(np.int64)
    hh_ea = np.repeat(np.arange(ea_count), households_per_ea)
    hh_size = 1 + rng.poisson(1.2, size=hh_ea.size)
    person_hh = np.repeat(np.arange(hh_ea.size), hh_size)
    keep = np.cumsum(hh_size)[person_hh] <= size  # whole households up to about ``size`` persons
    person_hh = person_hh[keep]
    person_ea = hh_ea[person_hh]
    n = person_hh.size
    reg, urb = region[person_ea], urban[person_ea]
    female = (rng.random(n) < 0.51).astype(np.int64)
    age = rng.choice(len(AGE_GROUPS), size=n, p=AGE_SHARES)
    ea_effect = rng.normal(0.0, 0.45, size=ea_count)[person_ea]
    region_effect = rng.normal(0.0, 0.3, size=(REGIONS, len(CRIMES) + 3))
    frame: dict[str, Any] = {
        "stratum": reg * 2 + urb + 1,
        "region": reg + 1,
        "urban": urb,
        "ea": person_ea + 1,
        "household": person_hh + 1,
        "sex": np.where(female == 1, "F", "M"),
        "age_group": np.asarray(AGE_GROUPS)[age],
    }
    for number, (_, name, base, sex_effect, report_base, report_female) in enumerate(CRIMES):
        logit = (
            base
            + np.where(female == 1, sex_effect[1], sex_effect[0])
            + AGE_EFFECT[age]
            + 0.3 * urb
            + region_effect[reg, number]
            + ea_effect
        )
        victim = rng.random(n) < _logit(logit)
        report = _logit(report_base + report_female * female + 0.5 * region_effect[reg, number])
        frame[f"v_{name}"] = victim.astype(np.int64)
        frame[f"r_{name}"] = (victim & (rng.random(n) < report)).astype(np.int64)
    contact = rng.random(n) < _logit(-0.6 + 0.35 * urb + 0.2 * (age == 1) + region_effect[reg, -3])
    bribe_logit = -2.1 + 0.8 * region_effect[reg, -2] * 3 + 0.3 * (1 - female) + 0.5 * ea_effect
    frame["contact"] = contact.astype(np.int64)
    frame["bribe"] = (contact & (rng.random(n) < _logit(bribe_logit))).astype(np.int64)
    safe_logit = 1.1 - 0.9 * female - 0.4 * urb + 0.2 * (age == 3) + region_effect[reg, -1] + 0.6 * ea_effect
    frame["safe"] = (rng.random(n) < _logit(safe_logit)).astype(np.int64)
    persons = pd.DataFrame(frame)
    persons["ps_cell"] = persons["sex"] + ":" + persons["age_group"]
    return Population(persons, seed)


def _share(values: pd.Series, sex: pd.Series) -> list[tuple[str, float]]:
    found = [(TOTAL, float(values.mean()) * 100)]
    found += [(s, float(values[sex == s].mean()) * 100) for s in ("F", "M")]
    return found


def truth(population: Population) -> list[dict[str, Any]]:
    """The finite-population value (per cent) of every indicator the synthetic dictionary gives."""
    p = population.persons
    rows: list[dict[str, Any]] = []

    def add(concept: Concept, offence: str, values: pd.Series, sex: pd.Series) -> None:
        for s, value in _share(values, sex):
            rows.append({"variable": concept.value, "offence": offence, "sex": s, "value": value})

    for code, name, *_ in CRIMES:
        add(Concept.victimization, code, p[f"v_{name}"], p["sex"])
    victim_any = p[[f"v_{name}" for _, name, *_ in CRIMES]].max(axis=1)
    add(Concept.victimization, TOTAL, victim_any, p["sex"])
    for code, name, *_ in CRIMES:
        victims = p[f"v_{name}"] == 1
        add(Concept.reporting, code, p.loc[victims, f"r_{name}"], p.loc[victims, "sex"])
    contact = p["contact"] == 1
    add(Concept.bribery, TOTAL, p.loc[contact, "bribe"], p.loc[contact, "sex"])
    add(Concept.safety, TOTAL, p["safe"], p["sex"])
    return rows


def _srswor(rng: np.random.Generator, ids: np.ndarray, count: int) -> np.ndarray:
    chosen: np.ndarray = rng.choice(ids, size=min(count, ids.size), replace=False)
    return chosen


def draw_sample(
    population: Population,
    seed: int,
    *,
    eas: int = 400,
    households: int = 12,
    nonresponse: bool = True,
    dont_know: float = 0.01,
) -> pd.DataFrame:
    """A stratified two-stage sample of respondents, coded as a questionnaire (see the module docstring)."""
    rng = np.random.default_rng(seed)
    p = population.persons
    ea_stratum = p.groupby("ea")["stratum"].first()
    ea_sizes = ea_stratum.groupby(ea_stratum).size()
    allocation = np.maximum(3, np.round(eas * ea_sizes / ea_sizes.sum())).astype(int)
    sampled_eas = np.concatenate(
        [
            _srswor(rng, ea_stratum.index[ea_stratum == h].to_numpy(), int(allocation[h]))
            for h in ea_sizes.index
        ]
    )
    hh_ea = p.groupby("household")["ea"].first()
    hh_ea = hh_ea[hh_ea.isin(sampled_eas)]
    hh_in_ea = hh_ea.groupby(hh_ea).size()
    chosen = np.concatenate(
        [_srswor(rng, hh_ea.index[hh_ea == e].to_numpy(), households) for e in np.sort(sampled_eas)]
    )
    sample = p[p["household"].isin(chosen)].copy()
    sample["fpc_ea"] = ea_sizes.loc[sample["stratum"]].to_numpy().astype(np.float64)
    sample["fpc_hh"] = hh_in_ea.loc[sample["ea"]].to_numpy().astype(np.float64)
    n_h = pd.Series(allocation, index=ea_sizes.index).loc[sample["stratum"]].to_numpy()
    m_i = np.minimum(households, sample["fpc_hh"].to_numpy())
    sample["weight"] = sample["fpc_ea"].to_numpy() / n_h * sample["fpc_hh"].to_numpy() / m_i
    if nonresponse:
        young_men = (sample["sex"] == "M") & (sample["age_group"] == "15-29")
        answer = np.where(young_men, 0.6, np.where(sample["age_group"] == "65+", 0.88, 0.78))
        sample = sample[rng.random(len(sample)) < answer]
    return _questionnaire(sample.reset_index(drop=True), rng, dont_know)


def _questionnaire(sample: pd.DataFrame, rng: np.random.Generator, dont_know: float) -> pd.DataFrame:
    """True statuses as questionnaire codes; the reporting and bribe items asked only when they apply."""
    n = len(sample)
    out = sample[["stratum", "region", "urban", "ea", "household", "weight", "fpc_ea", "fpc_hh"]].copy()
    out.insert(5, "respondent", np.arange(1, n + 1))
    out["sex"] = np.where(sample["sex"] == "M", 1, 2)
    out["age_group"] = sample["age_group"].map({g: k + 1 for k, g in enumerate(AGE_GROUPS)}).to_numpy()
    out["ps_cell"] = sample["ps_cell"].to_numpy()

    def coded(values: pd.Series) -> np.ndarray:
        codes = np.where(values.to_numpy() == 1, YES, NO)
        return np.where(rng.random(n) < dont_know, DONT_KNOW, codes)

    for _, name, *_ in CRIMES:
        out[f"v_{name}"] = coded(sample[f"v_{name}"])
        asked = out[f"v_{name}"].to_numpy() == YES
        reported = np.where(sample[f"r_{name}"].to_numpy() == 1, YES, NO)
        out[f"r_{name}"] = np.where(asked, reported, np.nan)
    out["contact"] = coded(sample["contact"])
    paid = np.where(sample["bribe"].to_numpy() == 1, YES, NO)
    out["bribe"] = np.where(out["contact"].to_numpy() == YES, paid, np.nan)
    safe = np.where(
        sample["safe"].to_numpy() == 1, rng.choice([1, 2], n, p=[0.4, 0.6]), rng.choice([3, 4], n)
    )
    out["safe"] = np.where(rng.random(n) < dont_know, DONT_KNOW, safe)
    return out


VALUE_LABELS: dict[str, dict[Any, str]] = {
    "sex": {1: "male", 2: "female"},
    "age_group": {k + 1: g for k, g in enumerate(AGE_GROUPS)},
    "urban": {0: "rural", 1: "urban"},
    "safe": SAFE_LABELS,
    **{
        item: {YES: "yes", NO: "no", DONT_KNOW: "don't know"}
        for item in ["contact", "bribe", *(f"{k}_{c[1]}" for c in CRIMES for k in ("v", "r"))]
    },
}

DICTIONARY_TOML = (
    """\
[dictionary]
title = "Synthetic national crime-victimization survey"
sex = { item = "sex", male = [1], female = [2] }
"""
    + "".join(
        f"""
[[victimization]]
item = "v_{name}"
iccs = "{code}"
yes = [1]
no = [2]
reported = {{ item = "r_{name}", yes = [1], no = [2] }}
"""
        for code, name, *_ in CRIMES
    )
    + """
[bribery]
contact = { item = "contact", yes = [1], no = [2] }
paid = { item = "bribe", yes = [1], no = [2] }

[safety]
item = "safe"
yes = [1, 2]
no = [3, 4]
"""
)


def design_toml(population: Population, *, post_stratify: bool = True) -> str:
    """The design file: stratified two-stage with both fpc, and the sex x age post-stratification."""
    text = (
        "[design]\n"
        'ids = ["ea", "household"]\nstrata = "stratum"\nweights = "weight"\nfpc = ["fpc_ea", "fpc_hh"]\n'
    )
    if post_stratify:
        cells = "\n".join(f'"{k}" = {v:.0f}' for k, v in sorted(population.margins().items()))
        text += f'\n[post_stratify]\nvariable = "ps_cell"\n\n[post_stratify.population]\n{cells}\n'
    return text


def write_survey(
    folder: Path, population: Population, sample: pd.DataFrame, *, fmt: str = "csv"
) -> dict[str, Path]:
    """Write the microdata (``.csv``, ``.sav``, ``.dta``), design, dictionary and truth; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / f"victimization_survey.{fmt}"
    if fmt == "csv":
        sample.to_csv(data, index=False)
    else:
        write_labelled(sample, data, value_labels=VALUE_LABELS)
    paths = {
        "data": data,
        "design": folder / "design.toml",
        "dictionary": folder / "dictionary.toml",
        "truth": folder / "truth.json",
    }
    paths["design"].write_text(design_toml(population), encoding="utf-8")
    paths["dictionary"].write_text(DICTIONARY_TOML, encoding="utf-8")
    body = {"population": population.size, "seed": population.seed, "values": truth(population)}
    paths["truth"].write_text(json.dumps(body, indent=2), encoding="utf-8")
    return paths
