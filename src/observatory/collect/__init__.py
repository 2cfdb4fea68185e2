"""Data collection: reading submitted files, validating them and importing them into the store."""

from __future__ import annotations
