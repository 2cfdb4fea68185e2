"""Benchmark: web latency and throughput under 50 concurrent clients on loopback (issue 6).

The real data (``../shared/data``: ``unodc_cts``, ``population``, ``sdg16``, ``homicide``) is imported
into a temporary data directory with the platform's own import and published. The app then runs as
``make run`` runs it (uvicorn, one worker unless ``--workers``) in a subprocess on ``127.0.0.1`` on a free
port, with the rate limit off (``OBSERVATORY_RATE_LIMIT_ENABLED=false``). After a warm-up (every URL of
every scenario requested once: "published data cached"), each scenario is a bounded load: ``--requests``
requests from ``--clients`` concurrent clients (asyncio streams, a minimal HTTP/1.1 client, one keep-alive
connection each), then it stops by itself.

Scenarios:

* ``baseline``: ``/api/v1/health`` through the same stack (middleware, a store read, JSON);
* ``api``: a varied mix of ``/api/v1/observations`` queries (by area, by area and variable with a year
  range, by variable with pagination and sort, several areas, an offence) and ``/api/v1/areas/{code}``;
* ``api_revalidate``: the same URLs with ``If-None-Match`` (the ETag each returned in the warm-up), which
  the API answers ``304`` without running the query;
* ``area_page``: ``/areas/{code}`` profile pages of a sample of countries.

Each reports p50/p95/p99/max latency, throughput (requests per second) and errors (any status other than
the expected one), and its p50 and p99 as a ratio to the baseline's. Targets: p99 under 100 ms for the API,
under 300 ms for a profile page. The client runs on the same machine as the server (2 cores here), so
the figures include the client's own CPU share; the load average before each scenario is reported, and
the server's CPU time per request (``/proc``: all its processes), which other load does not inflate as
much as the wall times. The first visit of every URL (the warm-up, one client, nothing cached) is
reported apart. uvicorn runs with ``--timeout-keep-alive 60`` (see :func:`start_server`).

Run: ``python benchmarks/web_load.py [--requests N] [--clients C] [--workers W] [--areas A] [--seed S]
[--data ../shared/data] [--json]``. Prints a table and, last, the JSON of every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SOURCES = ("unodc_cts", "population", "sdg16", "homicide")
TARGETS_MS = {"api": 100.0, "api_revalidate": 100.0, "area_page": 300.0}


def prepare(data: Path, workdir: Path) -> tuple[Path, Path]:
    """Import the real data into ``workdir`` and publish; the data directory and the release file."""
    from observatory.collect.importing import import_paths
    from observatory.settings import Settings
    from observatory.store.db import Store
    from observatory.warehouse.release import latest_release, publish

    settings = Settings(data_dir=workdir / "var")
    store = Store(settings)
    store.init()
    import_paths(store, [data / name for name in SOURCES])
    publish(store)
    release = latest_release(store)
    store.dispose()
    assert release is not None
    return workdir / "var", settings.resolved_data_dir / release.path


def reuse(workdir: Path) -> tuple[Path | None, Path | None]:
    """The data directory and release file kept in ``workdir`` by an earlier run, if any."""
    from observatory.settings import Settings
    from observatory.store.db import Store
    from observatory.warehouse.release import latest_release

    if not (workdir / "var").is_dir():
        return None, None
    settings = Settings(data_dir=workdir / "var")
    store = Store(settings)
    release = latest_release(store)
    store.dispose()
    return (workdir / "var", settings.resolved_data_dir / release.path) if release else (None, None)


def sample_urls(release: Path, areas: int, seed: int) -> dict[str, list[str]]:
    """The URLs of each scenario, drawn from what the release holds (deterministic for ``seed``)."""
    import duckdb

    rng = random.Random(seed)
    con = duckdb.connect()
    counted = con.execute(
        "SELECT area, count(*) AS n FROM read_parquet(?) WHERE length(area) = 3 AND area SIMILAR TO '[A-Z]+' "
        "GROUP BY area ORDER BY n DESC, area",
        [str(release)],
    ).fetchall()
    countries = [str(a) for a, _ in counted]
    # half the sample among the countries with the most data (the heaviest pages), half at random
    picked = countries[: areas // 2] + rng.sample(countries[areas // 2 :], min(areas - areas // 2, 1000))
    pairs = con.execute(
        "SELECT area, variable, min(year), max(year) FROM read_parquet(?) GROUP BY area, variable",
        [str(release)],
    ).fetchall()
    by_area: dict[str, list[tuple[str, int, int]]] = {}
    for area, variable, first, last in pairs:
        by_area.setdefault(str(area), []).append((str(variable), int(first), int(last)))
    variables = [
        str(v)
        for (v,) in con.execute(
            "SELECT variable FROM read_parquet(?) GROUP BY variable ORDER BY count(*) DESC LIMIT 12",
            [str(release)],
        ).fetchall()
    ]
    con.close()
    api: list[str] = []
    base = "/api/v1/observations"
    for area in picked:
        variable, first, last = rng.choice(sorted(by_area[area]))
        start = rng.randint(first, last)
        api.append(f"{base}?area={area}")
        api.append(f"{base}?area={area}&variable={variable}&year_from={start}&year_to={last}")
        api.append(f"{base}?area={area}&year_from={max(first, last - 5)}&sort=-period&limit=50")
        api.append(f"/api/v1/areas/{area}")
    for variable in variables:
        for page in range(3):
            api.append(f"{base}?variable={variable}&year_from=2010&limit=200&offset={page * 200}")
        api.append(f"{base}?variable={variable}&sort=-value&limit=20")
    for _ in range(areas // 2):
        a, b, c = rng.sample(picked, 3)
        api.append(f"{base}?area={a}&area={b}&area={c}&year_from=2015&year_to=2022")
    api.append(f"{base}?offence=0101&sex=F&year_from=2018&limit=500")
    api.append(f"{base}?variable=persons-held&area=MEX&format=csv")
    return {"baseline": ["/api/v1/health"], "api": api, "area_page": [f"/areas/{a}" for a in picked]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "OBSERVATORY_DATA_DIR": str(data_dir),
        "OBSERVATORY_RATE_LIMIT_ENABLED": "false",
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "observatory.web.app:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    # uvicorn closes a connection idle for 5 s by default; a starved client can reuse one just as it
    # closes (a ReadError that is not the server's answer), so the benchmark's connections may idle longer
    command += ["--timeout-keep-alive", "60"]
    if workers > 1:
        command += ["--workers", str(workers)]
    return subprocess.Popen(command, env=env)


def wait_ready(base_url: str, server: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode}")
        try:
            if httpx.get(base_url + "/api/v1/health", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server did not answer within {timeout:.0f} s")


def server_cpu_seconds(pid: int) -> float:
    """User and system CPU time of the server process and its worker processes so far (Linux ``/proc``)."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response (Content-Length or chunked body); its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def load(
    port: int,
    requests: list[tuple[str, dict[str, str]]],
    expected: int,
    clients: int,
) -> Outcome:
    """Send ``requests`` from ``clients`` concurrent clients, each on its own keep-alive connection; every
    latency, every unexpected status. A minimal HTTP/1.1 client on asyncio streams: httpx costs the
    client several milliseconds of CPU per request, which on a 2-core machine starves the server."""
    outcome = Outcome()
    queue = iter(requests)

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for url, headers in queue:
                extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                message = f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: */*\r\n{extra}\r\n"
                start = time.perf_counter()
                try:
                    writer.write(message.encode("latin-1"))
                    status = str(await _read_response(reader))
                except (OSError, asyncio.IncompleteReadError) as exc:
                    status = type(exc).__name__
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                outcome.latencies.append(time.perf_counter() - start)
                if status != str(expected):
                    outcome.errors[status] = outcome.errors.get(status, 0) + 1
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    outcome.seconds = time.perf_counter() - start
    return outcome


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summarise(outcome: Outcome) -> dict[str, Any]:
    ms = [v * 1000 for v in outcome.latencies]
    return {
        "requests": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "max_ms": round(max(ms), 1),
        "mean_ms": round(statistics.fmean(ms), 1),
        "throughput_rps": round(len(ms) / outcome.seconds, 1),
        "errors": outcome.errors,
    }


def etags(base_url: str, urls: list[str], first: dict[str, float]) -> dict[str, str]:
    """Warm-up: every URL once (sequentially, one client); the ETag each answered with. ``first`` gets
    each URL's latency: the first visit, before anything of its answer is cached."""
    found: dict[str, str] = {}
    with httpx.Client(base_url=base_url, timeout=60.0) as client:
        for url in urls:
            start = time.perf_counter()
            response = client.get(url)
            first[url] = time.perf_counter() - start
            if response.status_code != 200:
                raise SystemExit(f"warm-up: {url} answered {response.status_code}: {response.text[:300]}")
            if etag := response.headers.get("etag"):
                found[url] = etag
    return found


def run(args: argparse.Namespace, data_dir: Path, urls: dict[str, list[str]]) -> dict[str, Any]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = start_server(data_dir, port, args.workers)
    results: dict[str, Any] = {}
    try:
        wait_ready(base_url, server)
        started = time.perf_counter()
        first: dict[str, float] = {}
        tags = etags(base_url, urls["api"] + urls["area_page"] + urls["baseline"], first)
        for _ in range(args.workers - 1):  # each worker process has its own caches: reach them all (roughly)
            etags(base_url, urls["api"] + urls["area_page"], {})
        results["warmup_seconds"] = round(time.perf_counter() - started, 2)
        for name in ("api", "area_page"):  # one client, nothing cached yet
            ms = [first[u] * 1000 for u in urls[name]]
            results[f"{name}_first_visit"] = {
                "requests": len(ms),
                "p50_ms": round(percentile(ms, 50), 1),
                "p99_ms": round(percentile(ms, 99), 1),
                "max_ms": round(max(ms), 1),
            }
        rng = random.Random(args.seed)

        def draw(pool: list[str], with_etag: bool = False) -> list[tuple[str, dict[str, str]]]:
            chosen = [pool[i % len(pool)] for i in range(args.requests)]
            rng.shuffle(chosen)
            return [(u, {"If-None-Match": tags[u]} if with_etag else {}) for u in chosen]

        revalidated = [u for u in urls["api"] if u in tags]
        scenarios = {
            "baseline": (draw(urls["baseline"]), 200),
            "api": (draw(urls["api"]), 200),
            "api_revalidate": (draw(revalidated, with_etag=True), 304),
            "area_page": (draw(urls["area_page"]), 200),
        }
        for name, (requests, expected) in scenarios.items():
            load_before, cpu_before = os.getloadavg()[0], server_cpu_seconds(server.pid)
            outcome = asyncio.run(load(port, requests, expected, args.clients))
            cpu_ms = (server_cpu_seconds(server.pid) - cpu_before) * 1000 / len(requests)
            results[name] = {
                **summarise(outcome),
                "server_cpu_ms_per_request": round(cpu_ms, 2),
                "load_average_1m": round(load_before, 2),
            }
    finally:
        server.terminate()
        server.wait(timeout=30)
    base = results["baseline"]
    for name, target in TARGETS_MS.items():
        row = results[name]
        row["p50_ratio"] = round(row["p50_ms"] / base["p50_ms"], 2)
        row["p99_ratio"] = round(row["p99_ms"] / base["p99_ms"], 2)
        row["target_p99_ms"] = target
        row["meets_target"] = row["p99_ms"] < target and not row["errors"]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per scenario")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (`make run`: 1)")
    parser.add_argument("--areas", type=int, default=40, help="countries in the sample")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print only the JSON")
    parser.add_argument("--workdir", type=Path, help="keep the imported data here; reuse it if present")
    args = parser.parse_args()
    missing = [name for name in SOURCES if not (args.data / name).is_dir()]
    if missing:
        sys.exit(f"benchmark data missing under {args.data}: {', '.join(missing)}")
    report: dict[str, Any] = {"clients": args.clients, "workers": args.workers, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        data_dir, release = reuse(args.workdir) if args.workdir else (None, None)
        if data_dir is None or release is None:
            data_dir, release = prepare(args.data, args.workdir or Path(tmp))
            report["import_publish_seconds"] = round(time.perf_counter() - started, 1)
        urls = sample_urls(release, args.areas, args.seed)
        report["urls"] = {name: len(pool) for name, pool in urls.items()}
        report["load_average_start"] = [round(v, 2) for v in os.getloadavg()]
        report["scenarios"] = run(args, data_dir, urls)
        report["load_average_end"] = [round(v, 2) for v in os.getloadavg()]
    if not args.json:
        print_table(report)
    print(json.dumps(report, indent=2))


def print_table(report: dict[str, Any]) -> None:
    print(
        f"{report['clients']} clients, {report['workers']} worker(s), {report['cpus']} CPUs; "
        f"load average {report['load_average_start']} -> {report['load_average_end']}"
    )
    head = ("scenario", "requests", "p50 ms", "p95 ms", "p99 ms", "req/s", "errors", "p50/base", "p99/base")
    head += ("server CPU ms/req",)
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name, row in report["scenarios"].items():
        if not isinstance(row, dict) or "throughput_rps" not in row:
            continue
        cells = (
            name,
            row["requests"],
            row["p50_ms"],
            row["p95_ms"],
            row["p99_ms"],
            row["throughput_rps"],
            sum(row["errors"].values()),
            row.get("p50_ratio", "1"),
            row.get("p99_ratio", "1"),
            row["server_cpu_ms_per_request"],
        )
        print("| " + " | ".join(str(c) for c in cells) + " |")
    for name in ("api", "area_page"):
        row = report["scenarios"][f"{name}_first_visit"]
        print(
            f"first visit of each {name} URL, one client: p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, "
            f"max {row['max_ms']} ms ({row['requests']} URLs)"
        )


if __name__ == "__main__":
    main()
