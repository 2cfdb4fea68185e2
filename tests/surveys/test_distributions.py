"""Student t quantiles against R's ``qt`` (printed with 17 digits)."""

from __future__ import annotations

import math

import pytest

from observatory.surveys.distributions import t_quantile

R_QT = [
    (0.975, 14, 2.1447866879178039),
    (0.975, 197, 1.9720790337785010),
    (0.975, 1, 12.7062047361746941),
    (0.025, 39, -2.0226909200367609),
    (0.995, 3, 5.8409093097333544),
    (0.975, math.inf, 1.9599639845400536),
]


@pytest.mark.parametrize(("p", "df", "expected"), R_QT)
def test_t_quantile_matches_r(p: float, df: float, expected: float) -> None:
    assert t_quantile(p, df) == pytest.approx(expected, rel=1e-12)


def test_t_quantile_refuses_bad_probability() -> None:
    with pytest.raises(ValueError):
        t_quantile(1.0, 5)
