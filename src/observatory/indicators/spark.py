"""Computing indicators on Apache Spark through ibis's PySpark backend, for data that outgrows one machine.

The compiled expressions are the ones DuckDB runs (``indicators/compile.py``): a release's Parquet file is
registered as a Spark view and :func:`~observatory.indicators.compute.compute_table` runs on it unchanged.
An active Spark session (a cluster, a notebook) is used as it is; otherwise :func:`spark_session` starts a
quiet local one (``local[2]``, no UI, bound to the loopback interface, a temporary warehouse) and stops it
afterwards. PySpark is optional: ``pip install 'observatory[spark]'`` (it needs a Java 17+ runtime).
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
from ibis.expr.types import Table

from observatory.catalog.indicators import get_indicator
from observatory.errors import ConfigurationError, NotFound
from observatory.indicators.compute import IndicatorValues, compute_table, restrict
from observatory.model.release import Release
from observatory.store.db import Store
from observatory.warehouse.release import latest_release

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

EXTRA = "spark"
INSTALL_HINT = f"pip install 'observatory[{EXTRA}]'"

# Spark's own INFO and WARN lines at start-up (hostname, native-hadoop) would drown the CLI's output. The
# root stays at WARN, the level Spark's shell check expects (else it prints how to change the level).
_LOG4J2 = """\
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark %p %c{1}: %m%n
logger.utils.name = org.apache.spark.util.Utils
logger.utils.level = error
logger.hadoop.name = org.apache.hadoop
logger.hadoop.level = error
"""

# A local session is short-lived: the client JIT compiler alone and the serial collector halve the CPU time
# of starting Spark and running the registry on a release (measured on the real data: 34 s -> 17 s of CPU).
LOCAL_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


class BackendUnavailable(ConfigurationError):
    """A computing backend whose optional dependencies (or runtime) are not installed here."""

    code = "backend-unavailable"
    status = 501


def _pyspark_sql() -> Any:
    """``pyspark.sql``, or :class:`BackendUnavailable` naming the extra to install."""
    try:
        return importlib.import_module("pyspark.sql")
    except ImportError:
        raise BackendUnavailable(
            f"the spark backend needs PySpark, which is not installed: {INSTALL_HINT}"
        ) from None


def spark_available() -> bool:
    """Whether PySpark imports and a Java runtime is on the ``PATH`` (or under ``JAVA_HOME``)."""
    try:
        _pyspark_sql()
    except BackendUnavailable:
        return False
    return _java() is not None


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def local_session(workdir: Path, *, cores: int = 2, memory: str = "1g") -> SparkSession:
    """A new local Spark session whose warehouse and log configuration live in ``workdir``."""
    sql = _pyspark_sql()
    if _java() is None:
        raise BackendUnavailable(
            "the spark backend needs a Java 17+ runtime and found none (no `java` on PATH, no JAVA_HOME); "
            "install one, e.g. `apt-get install openjdk-17-jre-headless`"
        )
    log4j = workdir / "log4j2.properties"
    log4j.write_text(_LOG4J2)
    java_options = f"{LOCAL_JAVA_OPTIONS} -Dlog4j2.configurationFile={log4j.as_uri()}"
    builder = (
        sql.SparkSession.builder.master(f"local[{cores}]")
        .appName("observatory")
        .config("spark.driver.memory", memory)
        .config("spark.driver.extraJavaOptions", java_options)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.warehouse.dir", str(workdir / "warehouse"))
        .config("spark.sql.shuffle.partitions", str(2 * cores))
        .config("spark.sql.session.timeZone", "UTC")
    )
    session: SparkSession = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def spark_session(*, cores: int = 2, memory: str = "1g") -> Iterator[SparkSession]:
    """The active Spark session if there is one (left running), else a local one stopped on exit."""
    sql = _pyspark_sql()
    active: SparkSession | None = sql.SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    workdir = Path(tempfile.mkdtemp(prefix="observatory-spark-"))
    try:
        session = local_session(workdir, cores=cores, memory=memory)
        try:
            yield session
        finally:
            session.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def release_view(session: SparkSession, path: Path, release: Release) -> Table:
    """The release's Parquet file as a Spark view named after its content (SHA-256), an ibis table."""
    con = ibis.pyspark.connect(session)
    table: Table = con.read_parquet(str(path), table_name=f"observations_{release.sha256[:16]}")
    return table


def compute(
    store: Store,
    indicator_id: str,
    *,
    area: str | None = None,
    year: int | None = None,
    session: SparkSession | None = None,
) -> IndicatorValues:
    """One indicator on the latest release, computed by Spark (``session`` or :func:`spark_session`)."""
    indicator = get_indicator(indicator_id)
    release = latest_release(store)
    if release is None:
        raise NotFound(
            "nothing has been published yet; run `observatory import FILE...` "
            "(which publishes) or `observatory publish`",
            code="no-release",
        )
    path = Path(store.settings.resolved_data_dir) / release.path
    if session is None:
        with spark_session() as started:
            return compute(store, indicator_id, area=area, year=year, session=started)
    table = restrict(release_view(session, path, release), area, year)
    return IndicatorValues(indicator=indicator, release=release, rows=compute_table(indicator, table))
