"""The short request reference a person can read over the phone, derived from the payload id.

`reference_for(payload_id)` is the first 40 bits of SHA-256(id as UTF-8) in Crockford's
base32 (no I, L, O, U: nothing to mistake for 1, 0 or V), grouped `XXXX-XXXX`. The wizard's
JavaScript computes the same string (golden vectors in tests/intake/test_reference.py), so the
reference a customer writes down before sending is the one the desk stores. A desk must still
keep references unique (a collision is one in a trillion per pair, not impossible).
"""

from __future__ import annotations

import hashlib

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
_DECODE = {ch: i for i, ch in enumerate(ALPHABET)} | {"O": 0, "I": 1, "L": 1}


def reference_for(payload_id: str) -> str:
    """`7K3M-Q9XA`: 8 base32 symbols of the id's SHA-256, in two groups of four."""
    bits = int.from_bytes(hashlib.sha256(payload_id.encode("utf-8")).digest()[:5], "big")
    symbols = "".join(ALPHABET[(bits >> shift) & 31] for shift in range(35, -5, -5))
    return f"{symbols[:4]}-{symbols[4:]}"


def normalize_reference(text: str) -> str | None:
    """What a person typed or said (`7k3m q9xa`, `7K3MQ9XA`, `O` for `0`) -> `7K3M-Q9XA`, or None."""
    symbols = [ch for ch in text.upper() if ch not in " -_."]
    if len(symbols) != 8 or any(ch not in _DECODE for ch in symbols):
        return None
    canon = "".join(ALPHABET[_DECODE[ch]] for ch in symbols)
    return f"{canon[:4]}-{canon[4:]}"
