"""The web Scale Out Manager against a long history: how fast its pages answer.

Builds a catalog at EXECUTIONS executions and MESSAGES messages (default 100,000 and 1,000,000) as
benchmarks/history.py does, starts a real `scaleout web` process on it, signs in over HTTP and times
each page (median and max of RUNS requests, ms, measured by the client, rendering included):
All Executions (newest page, failed ones, a package, free text, the second page), the overview of
a recent execution and of an old failed one, the Dashboard, and /metrics.

    python benchmarks/manager.py --url postgresql://postgres@127.0.0.1:5432/postgres [--json manager.json]
"""
from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from history import Scratch, build_history  # noqa: E402
from helpers import benchmark_server  # noqa: E402
from web_server import WebServer  # noqa: E402


def timed(client: httpx.Client, path: str, runs: int) -> dict:
    times, status, size = [], None, 0
    for _ in range(runs):
        began = time.perf_counter()
        reply = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        status, size = reply.status_code, len(reply.content)
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}: {reply.text[:300]}")
    return {"path": path, "median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2),
            "bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=None, help="maintenance database URL (default: embedded PostgreSQL)")
    parser.add_argument("--executions", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    server = benchmark_server(args.url)
    began = time.monotonic()

    def log(line: str) -> None:
        print(f"[{time.monotonic() - began:7.1f} s] {line}", file=sys.stderr, flush=True)

    scratch = Scratch(server, "manager_bench")
    web = None
    try:
        built = build_history(scratch, args.executions, args.messages, log)
        log(f"built {built}")
        login = scratch.catalog.engine.url.username
        failed = scratch.catalog.query("SELECT min(execution_id) AS i FROM catalog.executions WHERE status = 4")[0]["i"]
        recent = scratch.catalog.query("SELECT max(execution_id) AS i FROM catalog.executions")[0]["i"]
        package = scratch.catalog.query("SELECT package_name FROM catalog.executions WHERE execution_id = :i",
                                        {"i": recent})[0]["package_name"]
        web = WebServer(scratch.url, Path("/tmp") / f"{scratch.name}-web.log")
        with httpx.Client(base_url=web.base, timeout=30, follow_redirects=False) as client:
            token = re.search(r'name="signin_token" value="([^"]+)"', client.get("/signin").text).group(1)
            signed = client.post("/signin", data={"login": login, "password": "", "signin_token": token})
            if signed.status_code != 303:
                raise RuntimeError(f"sign-in failed: {signed.status_code} {signed.text[:300]}")
            first = client.get("/executions").text
            older = re.search(r'href="/executions\?([^"]*before=\d+[^"]*)"', first).group(1).replace("&amp;", "&")
            pages = [("All Executions, newest 50", "/executions"),
                     ("All Executions, failed", "/executions/rows?status=4"),
                     ("All Executions, one package", f"/executions/rows?package={package}"),
                     ("All Executions, free text, no match (reads every row)", "/executions/rows?q=nomatch"),
                     ("All Executions, second page", f"/executions/rows?{older}"),
                     ("Overview, the newest execution", f"/executions/{recent}"),
                     ("Overview, an old failed execution", f"/executions/{failed}"),
                     ("Dashboard", "/dashboard"),
                     ("/metrics", "/metrics")]
            results = {label: timed(client, path, args.runs) for label, path in pages}
    finally:
        if web is not None:
            web.stop()
        scratch.drop()
    report = {"benchmark": "manager", "server_version": server.version(), "history": built, "pages": results}
    table = Table(title=f"The web manager on {built['executions']:,} executions and {built['messages']:,} messages "
                        f"(PostgreSQL {report['server_version']}, {platform.machine()}): median of {args.runs} (ms)")
    for column, justify in (("page", "left"), ("median ms", "right"), ("max ms", "right"), ("bytes", "right")):
        table.add_column(column, justify=justify)
    for label, r in results.items():
        table.add_row(label, f"{r['median_ms']:.1f}", f"{r['max_ms']:.1f}", f"{r['bytes']:,}")
    Console(width=140).print(table)
    text = json.dumps(report, indent=2, default=str)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
