"""Command-line interface: thin Typer adapters over the service functions."""

from __future__ import annotations
