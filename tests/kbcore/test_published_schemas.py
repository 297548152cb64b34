"""The JSON Schemas the site publishes are the ones the build checks with: an editor (or any
JSON Schema validator) given the published files accepts the shipped data and refuses a typo."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from kbtools import frontmatter
from testkit.paths import REPO


def validator(site: Path, name: str) -> jsonschema.Draft202012Validator:
    folder = site / "schemas"
    schemas = {p.name: json.loads(p.read_text()) for p in folder.glob("*.json")}
    registry: Registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    jsonschema.Draft202012Validator.check_schema(schemas[name])
    return jsonschema.Draft202012Validator(schemas[name], registry=registry)


def _yaml(text: str):
    # Dates stay text, as the build reads them (YAML 1.1 would make them datetime objects).
    return yaml.load(
        text,
        Loader=type(
            "L",
            (yaml.SafeLoader,),
            {
                "yaml_implicit_resolvers": {
                    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
                    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
                }
            },
        ),
    )


def test_the_policy_schema_accepts_the_shipped_policy_and_refuses_a_typo(shipped_site):
    v = validator(shipped_site, "support-policy.schema.json")
    policy = _yaml((REPO / "docs" / "_data" / "support-policy.yml").read_text(encoding="utf-8"))
    assert list(v.iter_errors(policy)) == []
    policy["calendar"]["timezon"] = policy["calendar"].pop("timezone")
    assert {e.validator for e in v.iter_errors(policy)} == {"additionalProperties", "required"}


@pytest.mark.parametrize(
    "article", sorted(p.relative_to(REPO / "docs").as_posix() for p in (REPO / "docs").rglob("*.md"))
)
def test_the_front_matter_schema_accepts_every_shipped_article(shipped_site, article):
    v = validator(shipped_site, "article-front-matter.schema.json")
    fm = frontmatter.parse((REPO / "docs" / article).read_text(encoding="utf-8"), article)
    assert list(v.iter_errors(fm.data)) == []
    assert list(v.iter_errors({**fm.data, "tittle": "x"}))
