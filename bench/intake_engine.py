"""Throughput of the two policy engines on the same random vectors (prints a table).

.venv/bin/python bench/intake_engine.py [N]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "intake"))

import policy_vectors  # noqa: E402

import intake  # noqa: E402
from intake import compiler, engine  # noqa: E402

JS = """
import fs from "node:fs"; import { pathToFileURL } from "node:url";
const [e, p, v] = process.argv.slice(2);
const engine = await import(pathToFileURL(e).href);
const policy = JSON.parse(fs.readFileSync(p, "utf8"));
const vecs = fs.readFileSync(v, "utf8").split("\\n").filter(Boolean).map((l) => JSON.parse(l));
const t = process.hrtime.bigint();
for (const x of vecs) engine.classify(policy, x.answers, x.at);
console.log(Number(process.hrtime.bigint() - t) / 1e3 / vecs.length);
"""


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    t0 = time.perf_counter()
    policy = intake.compiled_policy()
    compile_s = time.perf_counter() - t0
    vecs = policy_vectors.random_vectors(policy, n)
    t0 = time.perf_counter()
    for v in vecs:
        engine.classify(policy, v["answers"], v["at"])
    py_us = (time.perf_counter() - t0) / n * 1e6
    with tempfile.TemporaryDirectory() as tmp:
        p, vf, js = Path(tmp) / "p.json", Path(tmp) / "v.jsonl", Path(tmp) / "b.mjs"
        p.write_bytes(compiler.to_bytes(policy))
        vf.write_text("\n".join(json.dumps(v) for v in vecs))
        js.write_text(JS)
        out = subprocess.run(
            ["node", str(js), str(REPO / "intake" / "assets" / "engine.js"), str(p), str(vf)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    size = len(compiler.to_bytes(policy))
    print(f"{'measure':40} value")
    print(f"{'check + compile the policy (s)':40} {compile_s:.2f}")
    print(f"{'compiled policy size (bytes)':40} {size}")
    print(f"{'open intervals / holidays':40} {len(policy['calendar']['open'])} / {len(policy['calendar']['holidays'])}")
    print(f"{'Python classify (us per request)':40} {py_us:.1f}")
    print(f"{'Node classify (us per request)':40} {float(out):.1f}")


if __name__ == "__main__":
    main()
