"""Survey designs as frozen values, in the terms of R's ``survey`` package.

A :class:`Design` says what ``svydesign(ids=, strata=, weights=, probs=, fpc=, nest=)`` says: column names,
not data. A :class:`ReplicateDesign` says what ``svrepdesign(repweights=, type=, weights=, scale=,
rscales=, rho=, mse=)`` says. Both are validated when they are built and are changed only through
``update()``, which returns a validated copy. Binding a design to data (and every check that needs the
data: positive weights, clusters nested in strata, strata with one PSU) is
:class:`observatory.surveys.design.SurveySample`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any, Self

from observatory.errors import ErrorLocation, InvalidInput


class SinglePSU(StrEnum):
    """What to do with a stratum that has one PSU, as R's ``options(survey.lonely.psu=)``."""

    fail = "fail"  # refuse the design (R's default, and ours)
    remove = "remove"  # the stratum adds nothing to the variance
    adjust = "adjust"  # centre the stratum's PSU total at the grand mean instead of the stratum mean
    average = "average"  # replace the stratum's variance by the average over the other strata
    certainty = "certainty"  # a self-representing (certainty) PSU: adds nothing at this stage


class VarianceMethod(StrEnum):
    """How standard errors are computed."""

    taylor = "taylor"  # linearization with the design's strata, clusters and fpc (R's svydesign)
    replicate = "replicate"  # replicate weights (R's svrepdesign)


class ReplicateMethod(StrEnum):
    """Kinds of replicate weights, as R's ``svrepdesign(type=)``."""

    jk1 = "jk1"  # delete-one-PSU jackknife, unstratified
    jkn = "jkn"  # stratified delete-one-PSU jackknife
    brr = "brr"  # balanced repeated replication; with ``rho`` > 0 Fay's method
    bootstrap = "bootstrap"  # rescaled bootstrap (Canty-Davison / Rao-Wu)
    other = "other"  # any other scheme: ``scale`` (and ``rscales``) must be given


def _names(value: Any, what: str) -> tuple[str, ...]:
    """A column name or a list of names as a tuple; ``"a+b"`` is two names (R's ``~a+b``)."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    names: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise InvalidInput(
                f"{what} must be column names, got {item!r}", code="invalid-design", location=_field(what)
            )
        names.extend(part.strip() for part in item.split("+"))
    if any(not name for name in names):
        raise InvalidInput(f"{what} has an empty column name", code="invalid-design", location=_field(what))
    return tuple(names)


def _field(name: str) -> ErrorLocation:
    return ErrorLocation(field=name)


@dataclass(frozen=True)
class Design:
    """A complex sample design, column names only (R: ``svydesign``).

    ``ids`` names the cluster columns stage by stage; empty (R's ``ids=~1``, or ``"1"``) means each row is
    its own PSU. ``strata`` names stratum columns by stage (usually one, for the first stage). Exactly one
    of ``weights`` and ``probs`` may be given; with neither, weights come from ``fpc`` (or are 1). ``fpc``
    gives, per stage, population sizes (values > 1) or sampling fractions (values <= 1), as R accepts.
    With ``nest`` cluster ids are only unique within strata (R's ``nest=TRUE``).
    """

    ids: tuple[str, ...] = ()
    strata: tuple[str, ...] = ()
    weights: str | None = None
    probs: str | None = None
    fpc: tuple[str, ...] = ()
    nest: bool = False
    single_psu: SinglePSU = SinglePSU.fail

    def __post_init__(self) -> None:
        ids = _names(self.ids, "ids")
        if ids in (("1",), ("0",)):
            ids = ()
        if "1" in ids or "0" in ids:
            raise InvalidInput(
                "ids: 1 (no clusters) cannot be combined with cluster columns",
                code="invalid-design",
                location=_field("ids"),
            )
        object.__setattr__(self, "ids", ids)
        object.__setattr__(self, "strata", _names(self.strata, "strata"))
        object.__setattr__(self, "fpc", _names(self.fpc, "fpc"))
        object.__setattr__(self, "single_psu", SinglePSU(self.single_psu))
        if self.weights is not None and self.probs is not None:
            raise InvalidInput(
                "give weights or probs, not both", code="invalid-design", location=_field("probs")
            )
        for name in ("weights", "probs"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise InvalidInput(
                    f"{name} must be a column name", code="invalid-design", location=_field(name)
                )
        if len(set(self.ids)) != len(self.ids):
            raise InvalidInput(
                f"ids repeat a column: {'+'.join(self.ids)}", code="invalid-design", location=_field("ids")
            )
        for name in ("strata", "fpc"):
            if len(getattr(self, name)) > self.stages:
                raise InvalidInput(
                    f"{name} names {len(getattr(self, name))} columns for a design of {self.stages} stage(s)",
                    code="invalid-design",
                    location=_field(name),
                )

    @property
    def stages(self) -> int:
        """Number of sampling stages (1 when rows are sampled directly)."""
        return max(1, len(self.ids))

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the design reads, in order, without repeats."""
        named = [*self.ids, *self.strata, self.weights, self.probs, *self.fpc]
        return tuple(dict.fromkeys(name for name in named if name is not None))

    def update(self, **changes: Any) -> Self:
        """A validated copy with some fields changed (the design itself never changes)."""
        return replace(self, **changes)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Design:
        """A design from a parsed file (TOML): the field names above, strings or lists of strings."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InvalidInput(
                f"unknown design field(s) {', '.join(unknown)}; expected {', '.join(sorted(known))}",
                code="invalid-design",
                location=_field(unknown[0]),
            )
        try:
            return cls(**{key: value for key, value in values.items() if key in known})
        except ValueError as exc:  # an unknown single_psu option
            if isinstance(exc, InvalidInput):
                raise
            choices = ", ".join(option.value for option in SinglePSU)
            raise InvalidInput(
                f"single_psu {values.get('single_psu')!r} is not one of {choices}",
                code="invalid-design",
                location=_field("single_psu"),
            ) from None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ids": list(self.ids),
            "strata": list(self.strata),
            "weights": self.weights,
            "probs": self.probs,
            "fpc": list(self.fpc),
            "nest": self.nest,
            "single_psu": self.single_psu.value,
        }


def default_scale(method: ReplicateMethod, replicates: int, rho: float = 0.0) -> float | None:
    """R's ``svrepdesign`` default overall scale for ``replicates`` replicates (None: must be given)."""
    if method is ReplicateMethod.jk1:
        return (replicates - 1) / replicates
    if method is ReplicateMethod.brr:
        return 1.0 / (replicates * (1.0 - rho) ** 2)
    if method is ReplicateMethod.bootstrap:
        return 1.0 / (replicates - 1)
    if method is ReplicateMethod.jkn:
        return 1.0
    return None


@dataclass(frozen=True)
class ReplicateDesign:
    """A design given by replicate weights (R: ``svrepdesign``).

    ``replicate_weights`` names the replicate weight columns; with ``combined_weights`` (R's default) they
    already include the sampling weight, otherwise they are factors applied to ``weights``. The variance
    is ``scale * sum(rscales * (theta_r - centre)^2)`` with the centre the mean of the replicates, or the
    full-sample estimate with ``mse``. ``scale`` defaults as R's (JK1 (R-1)/R, BRR 1/R, Fay
    1/(R (1-rho)^2), bootstrap 1/(R-1), JKn 1); JKn needs ``rscales``, ``other`` needs ``scale``.
    """

    method: ReplicateMethod
    replicate_weights: tuple[str, ...]
    weights: str | None = None
    combined_weights: bool = True
    rho: float = 0.0
    scale: float | None = None
    rscales: tuple[float, ...] | None = None
    mse: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", ReplicateMethod(self.method))
        object.__setattr__(self, "replicate_weights", _names(self.replicate_weights, "replicate_weights"))
        if self.rscales is not None:
            object.__setattr__(self, "rscales", tuple(float(value) for value in self.rscales))
        count = len(self.replicate_weights)
        if count < 2:
            raise InvalidInput(
                "a replicate design needs at least 2 replicate weight columns",
                code="invalid-design",
                location=_field("replicate_weights"),
            )
        if not 0.0 <= self.rho < 1.0 or (self.rho and self.method is not ReplicateMethod.brr):
            raise InvalidInput(
                f"rho (Fay's coefficient) must lie in [0, 1) and applies to brr only, got {self.rho}",
                code="invalid-design",
                location=_field("rho"),
            )
        if self.scale is not None and not self.scale > 0:
            raise InvalidInput(f"scale must be positive, got {self.scale}", code="invalid-design")
        if self.rscales is not None and len(self.rscales) != count:
            raise InvalidInput(
                f"rscales has {len(self.rscales)} values for {count} replicates",
                code="invalid-design",
                location=_field("rscales"),
            )
        if self.method is ReplicateMethod.jkn and self.rscales is None:
            raise InvalidInput(
                "a JKn design needs rscales ((n_h - 1) / n_h for the stratum each replicate deletes from)",
                code="invalid-design",
                location=_field("rscales"),
            )
        if self.method is ReplicateMethod.other and self.scale is None:
            raise InvalidInput(
                "replicate method 'other' needs scale", code="invalid-design", location=_field("scale")
            )
        if not self.combined_weights and self.weights is None:
            raise InvalidInput(
                "replicate factors (combined_weights false) need the sampling weights column",
                code="invalid-design",
                location=_field("weights"),
            )

    @property
    def replicates(self) -> int:
        return len(self.replicate_weights)

    @property
    def resolved_scale(self) -> float:
        """The overall scale: as given, or R's default for the method."""
        if self.scale is not None:
            return self.scale
        found = default_scale(self.method, self.replicates, self.rho)
        assert found is not None  # 'other' without scale is refused at construction
        return found

    @property
    def resolved_rscales(self) -> tuple[float, ...]:
        return self.rscales if self.rscales is not None else (1.0,) * self.replicates

    @property
    def columns(self) -> tuple[str, ...]:
        named = [self.weights, *self.replicate_weights]
        return tuple(dict.fromkeys(name for name in named if name is not None))

    def update(self, **changes: Any) -> Self:
        """A validated copy with some fields changed."""
        return replace(self, **changes)


class SurveyConcept(StrEnum):
    """The variables crime-survey indicators are stored under (dataflow ``SURVEY``, unit percent)."""

    victimization = "victimization-prevalence"  # by crime type (offence = ICCS code) and sex
    reporting = "reporting-rate"  # victims who reported to the police (SDG 16.3.1)
    bribery = "bribery-prevalence"  # among persons with contact with a public official (SDG 16.5.1)
    safety = "feeling-safe"  # feeling safe walking alone after dark (SDG 16.1.4)
