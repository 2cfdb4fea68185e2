"""ICCS services: code-tree lookups (``tree``), UNODC's long texts and index (``texts``)."""

from __future__ import annotations
