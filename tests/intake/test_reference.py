"""The phone-readable reference: fixed vectors (the wizard's JavaScript is tested against the
same ones) and the forgiving reading of what a person typed."""

from __future__ import annotations

import pytest

from intake.reference import ALPHABET, normalize_reference, reference_for

# The wizard's JavaScript twin is tested against the same table.
GOLDEN = {
    "3f2a9c1e-0b7d-4e58-9a61-2c4d8e0f1a2b": "22NT-1QPJ",
    "request-00000001": "42HN-PBVT",
    "ünïcode-id-über": "RW86-K94Q",
}


def test_reference_shape_and_alphabet() -> None:
    for pid in GOLDEN:
        ref = reference_for(pid)
        assert len(ref) == 9 and ref[4] == "-"
        assert all(ch in ALPHABET for ch in ref.replace("-", ""))
        assert not set(ref) & set("ILOU")


def test_reference_is_stable() -> None:
    # Fixed outputs: a change here breaks every reference already given to a customer.
    assert {pid: reference_for(pid) for pid in GOLDEN} == GOLDEN


def test_different_ids_different_references() -> None:
    refs = {reference_for(f"payload-{i:08d}") for i in range(5000)}
    assert len(refs) == 5000


@pytest.mark.parametrize("typed", ["{r}", "{l}", "{l_spaced}", "{r_o}"])
def test_normalize_what_a_person_typed(typed: str) -> None:
    ref = reference_for("request-00000001")
    variants = {
        "r": ref,
        "l": ref.lower(),
        "l_spaced": ref.lower().replace("-", " "),
        "r_o": ref.replace("0", "O").replace("1", "l"),
    }
    assert normalize_reference(typed.format(**variants)) == ref


def test_normalize_refuses_what_is_not_a_reference() -> None:
    assert normalize_reference("ABC") is None
    assert normalize_reference("UUUU-UUUU") is None  # U is not a Crockford symbol
    assert normalize_reference("") is None
