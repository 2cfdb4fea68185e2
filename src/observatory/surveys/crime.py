"""Crime-survey indicators from microdata: victimization prevalence by crime type, reporting to the police
(SDG 16.3.1), bribery (SDG 16.5.1) and feeling safe walking alone (SDG 16.1.4), in per cent.

Each is a design-based mean of a 0/1 item over a **domain**, never over dropped rows: the whole sample and
its design stay in the variance, rows outside the domain contribute zero (R's ``svyby`` /
``subset.survey.design``). The domains:

* ``victimization-prevalence``: respondents who answered the item (don't know and refused are outside);
  per crime type (``offence`` = its ICCS code) and for any of the dictionary's crime types (``_T``: a
  victim of at least one; not a victim of any needs a "no" to every one);
* ``reporting-rate``: victims of the crime type who said whether they reported it;
* ``bribery-prevalence``: respondents who had contact with a public official and answered the bribe item;
* ``feeling-safe``: respondents who answered the safety item;

each for everyone (``sex`` = ``_T``) and by sex (``M``/``F``) when the dictionary maps sex. Every figure
carries its SE, confidence interval, design effect, unweighted base ``n`` (respondents in the domain) and
weighted base (their weights' sum). :class:`BaseRule`: below ``small`` respondents (default 50) a figure
is flagged ``small-base``; below ``suppress`` (default 25) it is suppressed: computed and shown to the
analyst, but stored without a value (flag ``missing``, the reason in the note), so it never enters a
release.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from observatory.errors import InvalidInput
from observatory.model.observation import TOTAL
from observatory.model.survey import SurveyConcept
from observatory.surveys.design import FloatArray, SurveySample
from observatory.surveys.dictionary import Dictionary, Item
from observatory.surveys.estimate import mean
from observatory.surveys.replication import ReplicateSample
from observatory.surveys.results import Estimate

Sample = SurveySample | ReplicateSample
_SEX = "__observatory_sex"


Concept = SurveyConcept

DOMAINS = {
    Concept.victimization: "respondents who answered the victimization item",
    Concept.reporting: "victims who said whether they reported it to the police",
    Concept.bribery: "respondents who had contact with a public official",
    Concept.safety: "respondents who answered the safety item",
}


class Status(StrEnum):
    ok = "ok"
    small_base = "small-base"
    suppressed = "suppressed"


@dataclass(frozen=True)
class BaseRule:
    """Unweighted bases below ``small`` are flagged ``small-base``, below ``suppress`` suppressed."""

    small: int = 50
    suppress: int = 25

    def __post_init__(self) -> None:
        if self.suppress < 0 or self.small < self.suppress:
            raise InvalidInput(
                f"base thresholds need 0 <= suppress <= small, got {self.suppress} and {self.small}",
                code="invalid-base-rule",
            )

    def status(self, n: int) -> Status:
        if n < self.suppress or n == 0:
            return Status.suppressed
        return Status.small_base if n < self.small else Status.ok


@dataclass(frozen=True)
class SurveyFigure:
    """One survey indicator value in per cent, with its precision and bases."""

    variable: Concept
    offence: str  # ICCS code, or _T
    sex: str  # M, F or _T
    estimate: float | None
    se: float | None
    ci_lower: float | None
    ci_upper: float | None
    deff: float | None
    n: int  # unweighted base: respondents in the domain with an answer
    weighted_n: float  # weighted base
    status: Status
    label: str  # what is measured, in words

    @property
    def domain(self) -> str:
        return DOMAINS[self.variable]

    def to_dict(self) -> dict[str, Any]:
        body = asdict(self)
        body["variable"] = self.variable.value
        body["status"] = self.status.value
        body["domain"] = self.domain
        return body


def _number(value: float | None, scale: float = 100.0) -> float | None:
    return None if value is None or not math.isfinite(value) else value * scale


def _figure(
    concept: Concept, offence: str, sex: str, row: Estimate | None, rule: BaseRule, label: str
) -> SurveyFigure:
    n = 0 if row is None else row.n
    status = rule.status(n)
    if row is None:
        return SurveyFigure(concept, offence, sex, None, None, None, None, None, 0, 0.0, status, label)
    return SurveyFigure(
        variable=concept,
        offence=offence,
        sex=sex,
        estimate=_number(row.estimate),
        se=_number(row.se),
        ci_lower=_number(row.ci_lower),
        ci_upper=_number(row.ci_upper),
        deff=_number(row.deff, 1.0),
        n=n,
        weighted_n=float(row.population),
        status=status,
        label=label,
    )


def _estimate(
    sample: Sample,
    values: FloatArray,
    concept: Concept,
    offence: str,
    label: str,
    rule: BaseRule,
    level: float,
    by_sex: bool,
) -> list[SurveyFigure]:
    """The domain mean of ``values`` (NaN outside the domain), overall and by sex."""
    data = sample.data.assign(__observatory_value=values)
    bound = replace(sample, data=data)
    figures: list[SurveyFigure] = []
    if np.isnan(values).all():
        figures.append(_figure(concept, offence, TOTAL, None, rule, label))
    else:
        overall = mean(bound, "__observatory_value", na_rm=True, level=level).rows[0]
        figures.append(_figure(concept, offence, TOTAL, overall, rule, label))
    if by_sex:
        present = ~np.isnan(values) & data[_SEX].notna().to_numpy()
        found: dict[str, Estimate] = {}
        if present.any():
            result = mean(bound, "__observatory_value", by=_SEX, na_rm=True, level=level)
            found = {str(row.domain): row for row in result.rows}
        for sex in ("F", "M"):
            figures.append(_figure(concept, offence, sex, found.get(sex), rule, label))
    return figures


def _within(item: Item, data: pd.DataFrame, domain: FloatArray) -> FloatArray:
    """``item`` as 0/1 where ``domain`` is 1, NaN elsewhere (outside the domain or not answered)."""
    values = item.indicator(data)
    return np.where(domain == 1.0, values, np.nan)


def _any(victims: list[FloatArray]) -> FloatArray:
    """1 if a victim of any type, 0 if "no" to every type, NaN otherwise."""
    stacked = np.column_stack(victims)
    out = np.full(stacked.shape[0], np.nan)
    out[(stacked == 0.0).all(axis=1)] = 0.0
    out[(stacked == 1.0).any(axis=1)] = 1.0
    return out


def crime_indicators(
    sample: Sample, dictionary: Dictionary, *, rule: BaseRule | None = None, level: float = 0.95
) -> list[SurveyFigure]:
    """Every indicator the dictionary allows, in a stable order (see the module docstring)."""
    rule = rule or BaseRule()
    dictionary.check(sample.data, sample.source)
    by_sex = dictionary.sex is not None
    data = sample.data
    if dictionary.sex is not None:
        data = data.assign(**{_SEX: dictionary.sex.codes(data)})
    sample = replace(sample, data=data)
    figures: list[SurveyFigure] = []
    victims: list[FloatArray] = []
    for crime in dictionary.crimes:
        victim = crime.victim.indicator(data)
        victims.append(victim)
        label = f"Victims of {crime.title.lower()} (ICCS {crime.iccs}) in the reference period"
        figures += _estimate(sample, victim, Concept.victimization, crime.iccs, label, rule, level, by_sex)
    if len(victims) > 1:
        label = "Victims of any of the surveyed crime types in the reference period"
        figures += _estimate(sample, _any(victims), Concept.victimization, TOTAL, label, rule, level, by_sex)
    for crime, victim in zip(dictionary.crimes, victims, strict=True):
        if crime.reported is None:
            continue
        reported = _within(crime.reported, data, victim)
        label = f"Victims of {crime.title.lower()} (ICCS {crime.iccs}) who reported it to the police"
        figures += _estimate(sample, reported, Concept.reporting, crime.iccs, label, rule, level, by_sex)
    if dictionary.contact is not None and dictionary.bribe is not None:
        paid = _within(dictionary.bribe, data, dictionary.contact.indicator(data))
        label = "Persons who had contact with a public official and paid a bribe"
        figures += _estimate(sample, paid, Concept.bribery, TOTAL, label, rule, level, by_sex)
    if dictionary.safety is not None:
        safe = dictionary.safety.indicator(data)
        label = "Persons who feel safe walking alone around the area where they live after dark"
        figures += _estimate(sample, safe, Concept.safety, TOTAL, label, rule, level, by_sex)
    return figures
