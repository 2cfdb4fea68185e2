"""The technical-assistance portfolio: projects with their results framework, revisions, CSV/xlsx import and
export, summaries by region, theme, country and year, IATI activity XML, and actuals filled from the
published statistics.

* ``checks``: a project against the catalogues (areas, ISO 4217 currencies, indicators, norms items);
* ``codec``: projects to and from their JSON shape; ``table``: the CSV/xlsx shape, read with located errors;
* ``portfolio``: the store (create, update with full revision history, import, list, export);
* ``summary``: totals and sentences, and exchange rates (given or stored, never made up);
* ``iati``: IATI Activity Standard 2.03 XML; ``statistics``: actuals from the latest release.
"""

from __future__ import annotations
