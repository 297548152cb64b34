"""The wizard's reference.js in Chromium (crypto.subtle) against the golden vectors of
tests/intake/test_reference.py: the reference a customer sees is the one the desk stores."""

from __future__ import annotations

import pytest

from intake.reference import reference_for

pytestmark = pytest.mark.browser


def test_reference_in_chromium_matches_python(page, serve, shipped_site, golden_references):
    page.goto(serve(shipped_site) + "request/")
    vectors = golden_references
    ids = [*vectors, "constructor", "__proto__", "3f2c9a1e-7b4d-4c8e-9a51-2d6f0b7c1e44"]
    got = page.evaluate(
        """async (ids) => {
        const r = await import(new URL('../assets/intake/wizard/reference.js', location.href).href);
        const out = [];
        for (const id of ids) {
            const bytes = new TextEncoder().encode(id);
            const same = r.hex(await r.sha256(bytes)) === r.hex(r.sha256Js(bytes));
            out.push([id, await r.referenceFor(id), same]);
        }
        return {out, subtle: !!crypto.subtle};
    }""",
        ids,
    )
    assert got["subtle"] is True  # 127.0.0.1 is a secure context: the browser's own SHA-256
    refs = {i: ref for i, ref, _ in got["out"]}
    assert {i: refs[i] for i in vectors} == vectors
    assert refs == {i: reference_for(i) for i in ids}
    assert all(same for _, _, same in got["out"])  # the fallback agrees with crypto.subtle
