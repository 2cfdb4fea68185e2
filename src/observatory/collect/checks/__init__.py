"""Validation checks, one module per rule family; :data:`CHECKS` maps each rule ``type`` to its class.

Add a family by writing a :class:`~observatory.collect.checks.base.Check` subclass and registering it here
(or in ``CHECKS`` at run time); rules in ``catalog/data/validation_rules.toml`` then name it as their type.
"""

from __future__ import annotations

from observatory.collect.checks.arithmetic import IccsHierarchyCheck, SubsetCheck, SumOfPartsCheck
from observatory.collect.checks.base import Check, RuleType
from observatory.collect.checks.coherence import PrisonFlowCheck, StageOrderCheck
from observatory.collect.checks.completeness import CompletenessCheck, UnknownCellCheck
from observatory.collect.checks.outliers import OwnHistoryCheck, SubregionCheck
from observatory.collect.checks.range import IntegerCheck, RangeCheck, UnitCheck
from observatory.collect.checks.temporal import YearOnYearCheck

CHECKS: dict[RuleType, type[Check]] = {
    cls.type: cls
    for cls in (
        RangeCheck,
        IntegerCheck,
        UnitCheck,
        SumOfPartsCheck,
        SubsetCheck,
        IccsHierarchyCheck,
        StageOrderCheck,
        PrisonFlowCheck,
        YearOnYearCheck,
        OwnHistoryCheck,
        SubregionCheck,
        CompletenessCheck,
        UnknownCellCheck,
    )
}

__all__ = ["CHECKS", "Check", "RuleType"]
