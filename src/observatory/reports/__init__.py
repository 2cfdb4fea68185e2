"""Reports and downloads: writers for CSV, JSON and Excel, safe for spreadsheets."""

from __future__ import annotations
