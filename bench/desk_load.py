"""Desk load benchmark: N payloads from C concurrent clients against `kb desk serve`, on SQLite
and on PostgreSQL (a throw-away cluster, fsync on); prints requests/s, p50/p99 latency and the
check that none was lost or stored twice. Everything runs on 127.0.0.1 and stops by itself.

    .venv/bin/python bench/desk_load.py                      # 2,000 payloads, 50 clients, both databases
    .venv/bin/python bench/desk_load.py --n 500 --clients 20 --db sqlite
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import desk_harness

import intake
from intake.compiler import to_bytes


def run(kind: str, n: int, clients: int, work: Path, policy: dict) -> dict:
    policy_file = work / "compiled-policy.json"
    policy_file.write_bytes(to_bytes(policy))
    pg = None
    if kind == "sqlite":
        url = f"sqlite:///{work / f'desk-{time.time_ns()}.sqlite3'}"
    else:
        pg = desk_harness.PgCluster(fsync=True)
        url = pg.create_db("bench")
    desk = desk_harness.DeskProcess(url, policy_file, args=["--rate-limit", "0"], log=work / f"desk-{kind}.log").start()
    items = desk_harness.payloads(n, policy)
    try:
        t0 = time.perf_counter()
        results = desk_harness.post_all(desk.url, items, clients=clients, deadline_s=600)
        wall = time.perf_counter() - t0
    finally:
        desk.stop()
    exported = desk_harness.export(url)
    if pg:
        pg.close()
    ids = Counter(line["id"] for line in exported)
    lat = [r.latency * 1000 for r in results if r.status in (200, 201)]
    return {
        "db": kind,
        "n": n,
        "clients": clients,
        "rps": len(lat) / wall,
        "p50": desk_harness.percentile(lat, 50),
        "p99": desk_harness.percentile(lat, 99),
        "statuses": dict(Counter(r.status for r in results)),
        "lost": len({p["id"] for p in items} - set(ids)),
        "twice": sum(1 for v in ids.values() if v > 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = ap.parse_args()
    policy = intake.compiled_policy()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(
        f"{'database':<11} {'payloads':>8} {'clients':>7} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'lost':>5} {'twice':>5}  statuses"  # noqa: E501
    )
    with tempfile.TemporaryDirectory(prefix="kb-desk-bench-") as tmp:
        for kind in kinds:
            r = run(kind, args.n, args.clients, Path(tmp), policy)
            print(
                f"{r['db']:<11} {r['n']:>8} {r['clients']:>7} {r['rps']:>7.1f} {r['p50']:>7.1f} {r['p99']:>7.1f} "
                f"{r['lost']:>5} {r['twice']:>5}  {r['statuses']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
