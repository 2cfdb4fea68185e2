"""Pure domain model: no storage, web or CLI imports here."""

from __future__ import annotations
