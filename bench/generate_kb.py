#!/usr/bin/env python3
"""Generate a synthetic knowledge base of N articles, deterministic for a seed.

Owns: the fake-but-realistic content used to measure build time, page size, index size and
search speed at 1,000 and 10,000 articles. Does not own: building or searching it (see
bench/build_kb.py and bench/run.py).

Layout: OUT/<category>/<section>/<article>.md, with at most --section-size articles per
section and --sections-per-category sections per category, so the folder structure (and
therefore every page's navigation) stays bounded as N grows. Mount OUT as a category with
`testkit.project.make_project(dest, {"generated": OUT})`.

Article i depends only on (seed, i): the first 1,000 articles of a 10,000-article KB are the
same files as a 1,000-article KB, and links only point to earlier articles, so one judged
query set (`--queries FILE`) about the first articles holds for every size.

    python bench/generate_kb.py --articles 10000 --out bench/out/gen10k [--seed 1] [--queries q.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
POLICY = REPO / "docs" / "_data" / "support-policy.yml"

# --- vocabulary -------------------------------------------------------------------------

COMPONENTS = [
    "scanner driver",
    "batch queue",
    "OCR engine",
    "export connector",
    "license server",
    "capture client",
    "index field",
    "barcode reader",
    "document separator",
    "web viewer",
    "mail importer",
    "watch folder",
    "classification model",
    "validation rule",
    "release script",
    "database connection",
    "job scheduler",
    "TWAIN source",
    "ISIS driver",
    "PDF converter",
    "image cleanup",
    "zonal extraction",
    "lookup table",
    "user directory",
    "audit log",
    "REST API",
    "SharePoint connector",
    "FTP export",
    "hot folder",
    "form template",
    "signature detector",
    "handwriting recognition",
    "page counter",
    "workstation agent",
    "proxy setting",
    "certificate store",
    "backup task",
    "retention policy",
    "notification email",
    "dashboard widget",
    "report designer",
    "service account",
    "upgrade wizard",
    "installer",
]
ACTIONS = [
    ("configure", "configuring"),
    ("install", "installing"),
    ("upgrade", "upgrading"),
    ("reset", "resetting"),
    ("migrate", "migrating"),
    ("export", "exporting"),
    ("import", "importing"),
    ("rename", "renaming"),
    ("back up", "backing up"),
    ("restore", "restoring"),
    ("enable", "enabling"),
    ("disable", "disabling"),
    ("schedule", "scheduling"),
    ("troubleshoot", "troubleshooting"),
    ("register", "registering"),
    ("activate", "activating"),
    ("uninstall", "uninstalling"),
    ("move", "moving"),
    ("share", "sharing"),
    ("encrypt", "encrypting"),
    ("update", "updating"),
    ("test", "testing"),
]
SYMPTOMS = [
    "stops responding",
    "crashes on startup",
    "runs very slowly",
    "shows a blank window",
    "rejects valid documents",
    "duplicates pages",
    "skips the last page",
    "loses index values",
    "cannot connect to the server",
    "times out",
    "reports the license as expired",
    "produces empty PDF files",
    "hangs at 99 percent",
    "fails silently",
    "logs an access denied error",
    "uses all available memory",
    "keeps asking for a password",
    "prints garbled characters",
    "misreads dates",
    "rotates pages upside down",
    "does not start",
    "freezes during export",
]
CAUSES = [
    "a stale cache file",
    "an expired certificate",
    "a permissions change on the share",
    "a mismatched driver version",
    "an antivirus product locking the folder",
    "a full temp folder",
    "a wrong regional date format",
    "a firewall rule blocking the port",
    "a corrupted profile",
    "a missing runtime component",
    "a time difference between the servers",
    "an unsupported codec",
    "a renamed service account",
    "an interrupted upgrade",
    "a lookup table with duplicate keys",
]
OBJECTS = [
    "a batch",
    "the workstation",
    "the license",
    "a document type",
    "an export profile",
    "the server",
    "a user account",
    "the index database",
    "the capture profile",
    "a watch folder",
    "the OCR settings",
    "a release destination",
    "the audit log",
    "a page template",
]
SETTINGS = [
    "MaxBatchSize",
    "OcrLanguage",
    "ExportTimeout",
    "RetryCount",
    "ImageDpi",
    "QueuePollInterval",
    "LicenseServerPort",
    "EnableCompression",
    "TempFolder",
    "LogLevel",
    "BarcodeSymbology",
]
FILLER = [
    "This usually happens after a change to the environment rather than to the product itself.",
    "Check the application log before you change anything, so that you can compare afterwards.",
    "Administrators can apply the change to every workstation at once with a group policy.",
    "If several users report the same behaviour, start with the server rather than the clients.",
    "Keep a copy of the original configuration file in case you need to roll back.",
    "The behaviour is the same on physical and virtual machines.",
    "Most customers see the problem only with large batches or high-resolution images.",
    "The setting takes effect the next time the service starts.",
    "You do not need to reinstall the product to apply this change.",
    "Write down the exact error text and the time it happened; support will ask for both.",
    "On a busy server, schedule the change outside business hours.",
    "Users who are signed in when you make the change must sign out and sign in again.",
    "The same steps apply to the command-line tools.",
    "This is expected behaviour when the feature is turned off.",
    "Test the change on one workstation before you roll it out.",
    "Older versions store the same setting in the registry instead of the configuration file.",
    "Network drives mapped with a letter are not visible to services; use the full UNC path.",
    "If the log is empty, raise the log level to Debug and reproduce the problem.",
]
TAGS = [
    "scanning",
    "ocr",
    "export",
    "licensing",
    "installation",
    "performance",
    "security",
    "integration",
    "email",
    "upgrade",
    "networking",
    "indexing",
    "barcodes",
    "pdf",
    "api",
]
CATEGORY_NAMES = [
    "Capture",
    "Extraction",
    "Administration",
    "Integrations",
    "Installation",
    "Licensing",
    "Troubleshooting",
    "Workflows",
    "Security",
    "Reporting",
]
SECTION_NAMES = [
    "Getting started",
    "Configuration",
    "Errors",
    "Performance",
    "Upgrades",
    "Connectors",
    "Accounts",
    "Maintenance",
    "Best practices",
    "Known issues",
]
TYPES = [
    "solution",
    "solution",
    "solution",
    "how-to",
    "how-to",
    "faq",
    "documentation",
    "tip",
    "technique",
    "release-notes",
]


def load_products(policy: Path = POLICY) -> list[tuple[str, str, list[str]]]:
    """(id, name, versions) for every product in the support policy data."""
    data = yaml.safe_load(policy.read_text(encoding="utf-8"))
    return [
        (p["id"], p.get("name", p["id"]).replace(" (sample)", ""), [str(v["version"]) for v in p.get("versions", [])])
        for p in data["products"]
    ]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Plan:
    """What article i is about: enough to write it and to judge a query about it."""

    index: int
    path: str  # relative to OUT
    id: str
    title: str
    type: str
    product: tuple[str, str, list[str]]
    component: str
    action: tuple[str, str]
    symptom: str
    cause: str
    code: str
    setting: str
    words: int
    links: list[int] = field(default_factory=list)


def folder_of(i: int, section_size: int, per_category: int) -> tuple[str, str]:
    s = i // section_size
    c = s // per_category
    cat = f"{slug(CATEGORY_NAMES[c % len(CATEGORY_NAMES)])}-{c + 1:03d}"
    sec = f"{slug(SECTION_NAMES[s % len(SECTION_NAMES)])}-{s + 1:04d}"
    return cat, sec


def plan_article(
    seed: int, i: int, section_size: int, per_category: int, products: list[tuple[str, str, list[str]]]
) -> Plan:
    rng = random.Random(f"{seed}:{i}")
    kind = rng.choice(TYPES)
    product = products[rng.randrange(len(products))]
    comp, action = rng.choice(COMPONENTS), rng.choice(ACTIONS)
    symptom, cause = rng.choice(SYMPTOMS), rng.choice(CAUSES)
    code = _code(rng)
    pname = product[1]
    if kind == "solution":
        title = rng.choice(
            [
                f"{comp.capitalize()} {symptom} in {pname}",
                f"Error {code} when {action[1]} {rng.choice(OBJECTS)}",
                f"{pname} {comp} {symptom} after {action[1]} {rng.choice(OBJECTS)}",
            ]
        )
    elif kind == "how-to":
        title = f"How to {action[0]} the {comp} in {pname}"
    elif kind == "faq":
        title = f"Frequently asked questions about the {comp}"
    elif kind == "tip":
        title = f"Tip: {action[0]} {rng.choice(OBJECTS)} faster with the {comp}"
    elif kind == "technique":
        title = f"Technique: {action[1]} the {comp} at scale"
    elif kind == "release-notes":
        title = f"{pname} {rng.choice(product[2])} release notes: {comp}"
    else:
        title = f"About the {comp} in {pname}"
    cat, sec = folder_of(i, section_size, per_category)
    aid = f"{slug(title)[:80].strip('-')}-{i + 1}"
    links = sorted({rng.randrange(i) for _ in range(rng.choice((0, 1, 2, 3)))}) if i else []
    return Plan(
        i,
        f"{cat}/{sec}/{aid}.md",
        aid,
        title,
        kind,
        product,
        comp,
        action,
        symptom,
        cause,
        code,
        rng.choice(SETTINGS),
        rng.randint(250, 1200),
        links,
    )


def _code(rng: random.Random) -> str:
    form = rng.randrange(4)
    if form == 0:
        return f"0x8{rng.randrange(16**7):07X}"
    if form == 1:
        return f"E{rng.randrange(10000):04d}"
    if form == 2:
        return f"PSI-{rng.randrange(100000):05d}"
    return f"{rng.choice((421, 450, 451, 550, 554))} {rng.randrange(4, 6)}.{rng.randrange(1, 8)}.{rng.randrange(20)}"


def _sentence(rng: random.Random, p: Plan) -> str:
    pn = p.product[1]
    return rng.choice(
        [
            f"The {p.component} {p.symptom} when users {rng.choice(ACTIONS)[0]} {rng.choice(OBJECTS)}.",
            f"In {pn}, the {rng.choice(COMPONENTS)} reads the {p.setting} value from the configuration file.",
            f"This can be caused by {rng.choice(CAUSES)}.",
            f"Before {rng.choice(ACTIONS)[1]} {rng.choice(OBJECTS)}, make sure the {rng.choice(COMPONENTS)} is idle.",
            f"The {rng.choice(COMPONENTS)} writes a warning to the log when {rng.choice(OBJECTS)} {rng.choice(SYMPTOMS)}.",  # noqa: E501
            rng.choice(FILLER),
            rng.choice(FILLER),
            f"Set {p.setting} to {rng.randrange(1, 500)} if the {p.component} {rng.choice(SYMPTOMS)}.",
        ]
    )


def _paragraph(rng: random.Random, p: Plan, n: int) -> str:
    return " ".join(_sentence(rng, p) for _ in range(n))


def render(p: Plan, plans: list[Plan] | None, seed: int) -> str:
    """The Markdown of one article (front matter + body), about p.words words long."""
    rng = random.Random(f"{seed}:{p.index}:body")
    pid, pname, versions = p.product
    vers = sorted(rng.sample(versions, k=min(len(versions), rng.randint(1, 2))))
    tags = sorted(rng.sample(TAGS, k=rng.randint(1, 3)))
    desc = {
        "solution": f"Fixes a problem where the {p.component} {p.symptom} in {pname}.",
        "how-to": f"Step-by-step instructions to {p.action[0]} the {p.component}.",
    }.get(p.type, f"What you need to know about the {p.component} in {pname}.")
    fm = {"title": p.title, "type": p.type, "description": desc, "products": [pid], "versions": vers, "tags": tags}
    out = ["---", yaml.safe_dump(fm, sort_keys=False, allow_unicode=True).strip(), "---", "", f"# {p.title}", ""]
    out.append(_paragraph(rng, p, 3))
    out.append("")
    if p.type == "solution":
        sections = ["Symptoms", "Cause", "Resolution", "More information"]
    elif p.type == "how-to":
        sections = ["Before you begin", "Steps", "Verify the change", "Related tasks"]
    elif p.type == "faq":
        sections = [
            f"Why does the {p.component} {rng.choice(SYMPTOMS)}?",
            f"Can I {rng.choice(ACTIONS)[0]} {rng.choice(OBJECTS)} while a batch runs?",
            f"Where is the {p.setting} setting?",
        ]
    elif p.type == "release-notes":
        sections = ["New features", "Fixed issues", "Known issues"]
    else:
        sections = ["Overview", "How it works", "Settings", "Limits"]
    words = len(" ".join(out).split())
    per_section = max(60, (p.words - words) // len(sections))
    for h in sections:
        out += [f"## {h}", ""]
        if h == "Symptoms":
            out += [
                f"When you {p.action[0]} {rng.choice(OBJECTS)}, the {p.component} {p.symptom}. "
                "You receive the following error message:",
                "",
                f"> Error {p.code}: The {p.component} could not complete the operation.",
                "",
            ]
        elif h == "Cause":
            out += [f"This problem occurs because of {p.cause}.", ""]
        elif h in ("Resolution", "Steps", "Fixed issues", "Settings"):
            steps = [f"{n}. {_sentence(rng, p)}" for n in range(1, rng.randint(4, 8))]
            out += steps + [""]
            if rng.random() < 0.5:
                out += [
                    "```powershell",
                    f"Set-PsiSetting -Name {p.setting} -Value {rng.randrange(1, 900)}",
                    f"Restart-Service -Name Psi{slug(p.component).replace('-', '').title()}",
                    "```",
                    "",
                ]
        elif h in ("Known issues", "Limits", "More information"):
            out += [f"- {_sentence(rng, p)}" for _ in range(rng.randint(2, 5))] + [""]
        if p.links and h == sections[-1] and plans is not None:
            out.append("See also:")
            out.append("")
            here = Path(p.path).parent
            for j in p.links:
                q = plans[j]
                rel = os.path.relpath(q.path, here).replace(os.sep, "/")
                out.append(f"- [{q.title}]({rel})")
            out.append("")
        written = 0
        while written < per_section:
            para = _paragraph(rng, p, rng.randint(2, 5))
            written += len(para.split())
            out += [para, ""]
    return "\n".join(out)


def generate(
    n: int, out: Path, seed: int = 1, section_size: int = 50, per_category: int = 10, clean: bool = True
) -> list[Plan]:
    products = load_products()
    plans = [plan_article(seed, i, section_size, per_category, products) for i in range(n)]
    if clean and out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    made: set[Path] = set()
    for p in plans:
        f = out / p.path
        if f.parent not in made:
            f.parent.mkdir(parents=True, exist_ok=True)
            made.add(f.parent)
        f.write_text(render(p, plans, seed), encoding="utf-8")
    return plans


def judged_queries(plans: list[Plan], seed: int, count: int = 60) -> list[dict]:
    """Customer-style queries about the first 1,000 articles, judged by construction.

    A query is judged relevant to every article of the whole KB that shares what it asks
    about (same error code; same component + symptom; same component + action for
    how-tos), so ambiguous queries are judged fairly; the queries are the same for every
    KB size, their judgements are not.
    """
    rng = random.Random(f"{seed}:queries")
    pool = plans[: min(len(plans), 1000)]
    by_code: dict[str, list[str]] = {}
    by_sym: dict[tuple[str, str], list[str]] = {}
    by_how: dict[tuple[str, str], list[str]] = {}
    for p in plans:
        if p.type == "solution":
            by_code.setdefault(p.code, []).append(p.id)
            by_sym.setdefault((p.component, p.symptom), []).append(p.id)
        if p.type == "how-to":
            by_how.setdefault((p.component, p.action[0]), []).append(p.id)
    out: list[dict] = []
    sols = [p for p in pool if p.type == "solution"]
    hows = [p for p in pool if p.type == "how-to"]
    for p in rng.sample(sols, min(15, len(sols))):
        out.append({"q": f"error {p.code}", "kind": "error", "relevant": by_code[p.code]})
    for p in rng.sample(sols, min(15, len(sols))):
        out.append(
            {"q": f"my {p.component} {p.symptom}", "kind": "symptom", "relevant": by_sym[(p.component, p.symptom)]}
        )
    for p in rng.sample(hows, min(15, len(hows))):
        out.append(
            {
                "q": f"how do i {p.action[0]} {p.component}",
                "kind": "howto",
                "relevant": by_how[(p.component, p.action[0])],
            }
        )
    for p in rng.sample(sols, min(15, len(sols))):
        words = p.component.split()
        w = max(words, key=len)
        if len(w) >= 5:
            k = rng.randrange(1, len(w) - 1)
            w2 = w[:k] + w[k + 1] + w[k] + w[k + 2 :]  # swap two letters
            comp = p.component.replace(w, w2)
            out.append({"q": f"{comp} {p.symptom}", "kind": "typo", "relevant": by_sym[(p.component, p.symptom)]})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--section-size", type=int, default=50)
    ap.add_argument("--sections-per-category", type=int, default=10)
    ap.add_argument("--queries", type=Path, help="also write judged queries (JSON lines) here")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    plans = generate(a.articles, a.out, a.seed, a.section_size, a.sections_per_category)
    if a.queries:
        a.queries.parent.mkdir(parents=True, exist_ok=True)
        with a.queries.open("w", encoding="utf-8") as fh:
            for q in judged_queries(plans, a.seed):
                fh.write(json.dumps(q) + "\n")
    print(f"generated {len(plans)} articles in {a.out} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
