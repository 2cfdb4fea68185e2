"""Hadamard matrices for balanced repeated replication.

Sylvester (powers of two), Paley I (order q + 1, q a prime = 3 mod 4), Paley II (order 2(q + 1), q a prime
= 1 mod 4) and Kronecker doubling; :func:`hadamard` returns one of the smallest order >= ``at_least``
that these give. Rows are mutually orthogonal and the first column is all ones.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.int64]


def _is_prime(q: int) -> bool:
    return q >= 2 and all(q % d for d in range(2, int(q**0.5) + 1))


def _jacobsthal(q: int) -> Matrix:
    squares = {(k * k) % q for k in range(1, q)}
    chi = np.array([0] + [1 if k in squares else -1 for k in range(1, q)], dtype=np.int64)
    return np.array([[chi[(j - i) % q] for j in range(q)] for i in range(q)], dtype=np.int64)


def _paley_one(q: int) -> Matrix:
    n = q + 1
    s = np.zeros((n, n), dtype=np.int64)
    s[0, 1:] = 1
    s[1:, 0] = -1
    s[1:, 1:] = _jacobsthal(q)
    return s + np.eye(n, dtype=np.int64)


def _paley_two(q: int) -> Matrix:
    s = np.zeros((q + 1, q + 1), dtype=np.int64)
    s[0, 1:] = 1
    s[1:, 0] = 1
    s[1:, 1:] = _jacobsthal(q)
    plus = np.array([[1, -1], [-1, -1]], dtype=np.int64)
    minus = np.array([[1, 1], [1, -1]], dtype=np.int64)
    out = np.zeros((2 * (q + 1), 2 * (q + 1)), dtype=np.int64)
    for i in range(q + 1):
        for j in range(q + 1):
            block = minus if s[i, j] == 0 else s[i, j] * plus
            out[2 * i : 2 * i + 2, 2 * j : 2 * j + 2] = block
    return out


def _normalized(matrix: Matrix) -> Matrix:
    """Rows and columns signed so that the first row and first column are all ones."""
    matrix = matrix * matrix[:, :1]
    return matrix * matrix[:1, :]


@cache
def _of_order(n: int) -> Matrix | None:
    if n in (1, 2):
        return np.array([[1]], dtype=np.int64) if n == 1 else np.array([[1, 1], [1, -1]], dtype=np.int64)
    if n % 4:
        return None
    if _is_prime(n - 1) and (n - 1) % 4 == 3:
        return _normalized(_paley_one(n - 1))
    if _is_prime(n // 2 - 1) and (n // 2 - 1) % 4 == 1:
        return _normalized(_paley_two(n // 2 - 1))
    half = _of_order(n // 2)
    if half is not None:
        return np.kron(np.array([[1, 1], [1, -1]], dtype=np.int64), half)
    return None


def hadamard(at_least: int) -> Matrix:
    """A Hadamard matrix of the smallest order >= ``at_least`` that the constructions above reach."""
    n = max(2, at_least)
    n += (-n) % 4 if n > 2 else 0
    while True:
        found = _of_order(n)
        if found is not None:
            assert (found @ found.T == n * np.eye(n, dtype=np.int64)).all()
            return found
        n += 4
