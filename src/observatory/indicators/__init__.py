"""Indicators: declarative formulas over published observations, compiled to ibis expressions."""
