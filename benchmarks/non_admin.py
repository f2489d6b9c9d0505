"""What a login that is not an admin pays for its permission checks: SSIS's pair and the views.

A login in ssis_cluster_executor, granted READ and EXECUTE on the test project (as a DBA grants them),
on a fresh catalog at each --revision, rounds interleaved. The test project is also deployed to
--folders more folders, and the login granted READ on every other one of those projects. Others'
executions are queued first (--others, by an admin); the login then runs 200 pairs of its own, and is
timed on:

- SSIS's create_execution + start_execution, --pairs of them one after another;
- the newest 50 executions it may read (Catalog.recent_executions, as `scaleout executions list`);
- every execution it may read (SELECT * FROM catalog.executions), and a count of them;
- every row it may read of catalog.folders, projects, packages and object_parameters.

The views decide for each row whether such a login may read it (an admin's check is one InitPlan).

    python benchmarks/non_admin.py --url postgresql://postgres@127.0.0.1:5432/postgres --revision 0011 --revision head
The URL names a maintenance database; the benchmark creates and drops its own databases and login.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers import PgServer  # noqa: E402
from options import postgresql_server, whole_number  # noqa: E402
from workers import FOLDER, PROJECT, PROJECT_DIR, deploy_test_project  # noqa: E402

import sqlalchemy as sa  # noqa: E402

from scaleout_catalog import Catalog, migrate  # noqa: E402
from scaleout_catalog.project import deploy  # noqa: E402

# Object permissions came in revision 0007.
REVISIONS = sorted(p.name for p in (ROOT / "sql" / "postgresql").iterdir() if p.name.isdigit() and p.name >= "0007")

OWN = 200        # the login's own executions before the clock starts
READS = 5        # each read is timed this many times; the median is kept
OBJECT_VIEWS = ("folders", "projects", "packages", "object_parameters")


def _timed(call) -> float:
    began = time.perf_counter()
    call()
    return 1000 * (time.perf_counter() - began)


def run(server: PgServer, revision: str, others: int, pairs: int, folders: int) -> dict:
    name = f"scaleout_bench_{uuid.uuid4().hex[:8]}"
    server.create_database(name)
    login_url = None
    try:
        admin = Catalog(server.url_for(name))
        migrate.upgrade(admin.engine, revision)
        deploy_test_project(admin)
        login_url = server.create_login(name, "ssis_cluster_executor")
        project_id = admin.projects()[0].project_id
        principal_id = admin.principal_id(sa.engine.make_url(login_url).username)
        for permission in (1, 3):                      # READ and EXECUTE on the project
            admin.grant_permission(2, project_id, principal_id, permission)
        for number in range(folders):
            deploy(admin, PROJECT_DIR, f"more_{number}", create_folder=True)
        for project in admin.projects()[1::2]:
            if project.project_id != project_id:
                admin.grant_permission(2, project.project_id, principal_id, 1)
        element = {"folder_name": FOLDER, "project_name": PROJECT, "package_name": "noop"}
        for start in range(0, others, 1000):
            admin.create_and_start_executions([element] * min(1000, others - start))
        login = Catalog(login_url)
        for _ in range(OWN):
            login.start_execution(login.create_execution(FOLDER, PROJECT, "noop"))
        began = time.perf_counter()
        for _ in range(pairs):
            login.start_execution(login.create_execution(FOLDER, PROJECT, "noop"))
        pair_rate = pairs / (time.perf_counter() - began)
        reads = {
            "newest_50_ms": lambda: login.recent_executions(50),
            "all_readable_ms": lambda: login.executions(),
            "count_readable_ms": lambda: login.query("SELECT count(*) AS n FROM catalog.executions"),
            **{f"{view}_ms": (lambda view=view: login.query(f"SELECT * FROM catalog.{view}")) for view in OBJECT_VIEWS},
        }
        result = {"revision": migrate.current(admin.engine), "pairs_per_second": round(pair_rate, 1),
                  "readable": len(login.executions()), "executions": others + OWN + pairs,
                  **{f"{view}_rows": f"{len(login.query(f'SELECT * FROM catalog.{view}'))}/"
                                     f"{len(admin.query(f'SELECT * FROM catalog.{view}'))}" for view in OBJECT_VIEWS}}
        for label, read in reads.items():
            result[label] = round(statistics.median(_timed(read) for _ in range(READS)), 1)
        login.dispose()
        admin.dispose()
        return result
    finally:
        server.drop_database(name)
        if login_url is not None:
            server.drop_login(name, login_url)


def _revision(text: str) -> str:
    if text != "head" and text not in REVISIONS:
        raise argparse.ArgumentTypeError(f"no such revision: {text!r} (known: head, {', '.join(REVISIONS)})")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=None, help="maintenance database URL (default: embedded PostgreSQL)")
    parser.add_argument("--revision", action="append", type=_revision,
                        help="catalog revision to measure (repeatable; default: head)")
    parser.add_argument("--others", type=whole_number(0, 100_000), default=2000, help="others' executions (default 2000)")
    parser.add_argument("--folders", type=whole_number(0, 1000), default=40,
                        help="more folders with the test project (default 40)")
    parser.add_argument("--pairs", type=whole_number(1, 100_000), default=500, help="pairs timed (default 500)")
    parser.add_argument("--rounds", type=whole_number(1, 20), default=2, help="interleaved rounds (default 2)")
    args = parser.parse_args()
    server, version = postgresql_server(parser, args.url)
    results = []
    for round_number in range(1, args.rounds + 1):
        for revision in args.revision or ["head"]:
            result = {"round": round_number, **run(server, revision, args.others, args.pairs, args.folders)}
            print(" ".join(f"{k}={v}" for k, v in result.items()), flush=True)
            results.append(result)
    print(json.dumps({"benchmark": "non_admin", "server_version": version, "results": results}, indent=2))


if __name__ == "__main__":
    main()
