"""The real data (UN-CTS exports, World Bank population, SDG 16 extract) imported and published once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from observatory.collect.importing import import_paths
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.warehouse.release import publish


@pytest.fixture(scope="session")
def real_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Store]:
    store = Store(Settings(data_dir=tmp_path_factory.mktemp("indicators") / "var"))
    store.init()
    import_paths(store, [shared_data / "unodc_cts", shared_data / "population", shared_data / "sdg16"])
    publish(store)
    yield store
    store.dispose()
