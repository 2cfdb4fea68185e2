"""Validation rules as data: ``catalog/data/validation_rules.toml`` read into a :class:`RuleSet` of checks.

Each ``[[rules]]`` entry has an ``id``, a ``type`` (a key of :data:`~observatory.collect.checks.CHECKS`), the
problem ``code`` it reports (the family's default if left out), an optional ``severity`` (``error`` or
``warning``) overriding the code's, an optional ``where`` selector (``{unit = "count"}``; each family has a
default), an optional ``description``, and the family's parameters. An unknown type, a missing or unknown
parameter, or a bad value raises :class:`~observatory.errors.ConfigurationError` naming the rule.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from observatory.collect.checks import CHECKS
from observatory.collect.checks.base import Check, Params, Rule, RuleType
from observatory.errors import ConfigurationError
from observatory.model.problem import Severity

RULES_FILE = "validation_rules.toml"


@dataclass(frozen=True)
class RuleSet:
    """The checks of one rules file, in the order the file lists them (the order of the report)."""

    checks: tuple[Check, ...]
    source: str = "<rules>"

    def __iter__(self) -> Iterator[Check]:
        return iter(self.checks)

    def __len__(self) -> int:
        return len(self.checks)

    def ids(self) -> list[str]:
        return [c.rule.id for c in self.checks]

    def _known(self, ids: tuple[str, ...]) -> set[str]:
        unknown = sorted(set(ids) - set(self.ids()))
        if unknown:
            raise ConfigurationError(f"{self.source} has no rule {unknown}; rules: {', '.join(self.ids())}")
        return set(ids)

    def only(self, *ids: str) -> RuleSet:
        """The named rules only, in file order."""
        keep = self._known(ids)
        return RuleSet(tuple(c for c in self.checks if c.rule.id in keep), self.source)

    def without(self, *ids: str) -> RuleSet:
        drop = self._known(ids)
        return RuleSet(tuple(c for c in self.checks if c.rule.id not in drop), self.source)

    def of_type(self, *types: RuleType) -> RuleSet:
        return RuleSet(tuple(c for c in self.checks if c.rule.type in types), self.source)


def _rule_type(spec: Mapping[str, Any], name: str, source: str) -> RuleType:
    text = spec.get("type")
    for rule_type in CHECKS:
        if rule_type.value == text:
            return rule_type
    types = ", ".join(map(str, CHECKS))
    raise ConfigurationError(f"{source}: validation rule {name!r} has unknown type {text!r}; types: {types}")


def parse_check(spec: Any, source: str = "<rules>", index: int = 0) -> Check:
    """One ``[[rules]]`` entry as a check."""
    if not isinstance(spec, Mapping):
        raise ConfigurationError(f"{source}: rule number {index + 1} is not a table but {spec!r}")
    name = spec.get("id")
    if not isinstance(name, str) or not name:
        raise ConfigurationError(f"{source}: rule number {index + 1} ({dict(spec)!r}) has no id")
    rule_type = _rule_type(spec, name, source)
    cls = CHECKS[rule_type]
    params = Params(name, {k: v for k, v in spec.items() if k not in {"id", "type"}}, source)
    code = params.code("code", cls.default_code)
    severity = params.choice("severity", Severity) if "severity" in spec else None
    where = params.selector("where", cls.default_where)
    description = params.text("description") if "description" in spec else ""
    rule = Rule(name, rule_type, code, severity, where, description)
    check = cls(rule, params)
    params.finish()
    return check


def parse_rules(data: Mapping[str, Any], source: str = "<rules>") -> RuleSet:
    """A rule set from parsed TOML: a ``rules`` array of tables."""
    extra = sorted(set(data) - {"rules"})
    if extra:
        raise ConfigurationError(f"{source}: unknown top-level key(s) {extra}; expected only [[rules]]")
    specs = data.get("rules")
    if not isinstance(specs, list) or not specs:
        raise ConfigurationError(f"{source}: no [[rules]]; write at least one rule")
    checks = tuple(parse_check(spec, source, i) for i, spec in enumerate(specs))
    seen: set[str] = set()
    for check in checks:
        if check.rule.id in seen:
            raise ConfigurationError(f"{source}: validation rule id {check.rule.id!r} is used twice")
        seen.add(check.rule.id)
    return RuleSet(checks, source)


def read_rules(path: Path) -> RuleSet:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read validation rules from {path}: {exc}") from exc
    return parse_rules(data, path.name)


@cache
def default_rules() -> RuleSet:
    """The shipped rules, ``catalog/data/validation_rules.toml`` (read once)."""
    text = resources.files("observatory.catalog").joinpath("data", RULES_FILE).read_text("utf-8")
    return parse_rules(tomllib.loads(text), RULES_FILE)


def load_rules(path: Path | None = None) -> RuleSet:
    """The rules of ``path``, or the shipped ones."""
    return default_rules() if path is None else read_rules(path)
