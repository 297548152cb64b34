"""The combinations a decision table's inputs can take, held as boxes instead of listed.

A decision table with n yes/no inputs has 2^n combinations: listing them (and comparing every
pair for monotonicity) took minutes at 12 inputs. Here a set of combinations is a list of
disjoint *boxes*, one set of values per input (`None` = not asked); the set is their cartesian
product. The questions' `when` only splits the inputs other inputs depend on; a rule's
condition only splits the inputs it names. So the checks cost grows with the number of rules,
the inputs they name and the options, not with the product of every input's options:

- `Table.missing()`: the combinations no rule matches (first ones in asking order, and a count);
- `Table.overlaps()`: for two rules, the first combination both match;
- `Table.reached(rule)`: whether a rule matches any combination that can be asked;
- `Table.not_monotone(...)`: pairs where a worse combination gets a slower priority, counted
  exactly, one example per pair of rules.

Owns the set algebra only: what counts as a problem and its wording is `intake.checks`.
`enumerate_combinations` still lists them all, for `kb intake table` (a table for people).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator
from math import prod
from typing import Any

from . import engine

NOT_ASKED = "(not asked)"
Value = str | None
Box = tuple[frozenset[Value], ...]
Combo = dict[str, Value]
Pick = tuple[tuple[int, ...], tuple[int, ...]]  # two combinations, as positions in `Table.order`


def domain(q: dict[str, Any]) -> list[str]:
    """Every option value a (compiled) question can have, generated ones first."""
    vals = [o["value"] for o in q["options"]]
    if q.get("options_by"):
        vals = [o["value"] for opts in q["options_by"]["values"].values() for o in opts] + vals
    return list(dict.fromkeys(vals))


def _refs(when: list[dict[str, Any]]) -> set[str]:
    return {f for alt in when for f in alt}


class Table:
    """The combinations of one decision table's inputs that can be asked, and its rules' shares."""

    def __init__(self, questions: list[dict[str, Any]], inputs: list[str], rules: list[list[dict[str, Any]]]):
        qs = [q for q in questions if q["id"] in inputs]  # asking order
        self.ids = [q["id"] for q in qs]
        self.order: list[list[Value]] = [[*domain(q), None] for q in qs]  # listing order per input
        self.pos = [{v: i for i, v in enumerate(o)} for o in self.order]
        self.feasible = self._feasible(qs)
        self.alts = [[a for a in (self._alt(alt) for alt in when) if a is not None] for when in rules]
        self.matched = [self._union(self.feasible, alts) for alts in self.alts]

    # ----- building ---------------------------------------------------------------------------
    def _feasible(self, qs: list[dict[str, Any]]) -> list[Box]:
        """What `_combos` used to list, as boxes: an input whose `when` (or generated options)
        reads earlier inputs is decided per value of those; only those inputs are split."""
        gated = [_refs(q["when"]) <= set(self.ids[:i]) for i, q in enumerate(qs)]
        split: set[str] = set()
        for q, g in zip(qs, gated):
            by = q.get("options_by")
            if g:
                split |= _refs(q["when"]) | ({by["question"]} & set(self.ids) if by else set())
        boxes: list[tuple[frozenset[Value], ...]] = [()]
        for i, q in enumerate(qs):
            nxt = []
            for box in boxes:
                if gated[i]:
                    facts = {self.ids[j]: next(iter(box[j])) for j in range(i) if self.ids[j] in split}
                    facts = {k: v for k, v in facts.items() if v is not None}
                    vals: list[Value] = (
                        [o["value"] for o in engine.options_for(q, facts)]
                        if engine.matches(q["when"], facts)
                        else [None]
                    )
                else:
                    vals = list(self.order[i])
                if q["id"] in split:
                    nxt += [(*box, frozenset([v])) for v in vals]
                else:
                    nxt.append((*box, frozenset(vals)))
            boxes = nxt
        return [b for b in boxes if all(b)]

    def _alt(self, alt: dict[str, Any]) -> dict[int, frozenset[Value]] | None:
        """One alternative of a condition as the values it allows per input it names (None: it
        names a fact that is not an input, so it never matches, as in the engine)."""
        out: dict[int, frozenset[Value]] = {}
        for fact, cond in alt.items():
            if fact not in self.ids:
                return None
            d = self.ids.index(fact)
            out[d] = frozenset(
                v
                for v in self.order[d]
                if v is not None
                and ("in" not in cond or v in cond["in"])
                and ("not" not in cond or v not in cond["not"])
            )
        return out

    # ----- set algebra ------------------------------------------------------------------------
    @staticmethod
    def _meet(box: Box, alt: dict[int, frozenset[Value]]) -> Box | None:
        out = list(box)
        for d, allowed in alt.items():
            out[d] = box[d] & allowed
            if not out[d]:
                return None
        return tuple(out)

    @classmethod
    def _minus(cls, boxes: list[Box], alt: dict[int, frozenset[Value]]) -> list[Box]:
        """`boxes` without what `alt` allows, still disjoint."""
        out = []
        for box in boxes:
            if cls._meet(box, alt) is None:
                out.append(box)
                continue
            cur = list(box)
            for d, allowed in alt.items():
                outside = cur[d] - allowed
                if outside:
                    out.append((*cur[:d], outside, *cur[d + 1 :]))
                cur[d] = cur[d] & allowed
        return out

    def _union(self, boxes: list[Box], alts: list[dict[int, frozenset[Value]]]) -> list[Box]:
        """The part of `boxes` any of `alts` allows, as disjoint boxes."""
        out: list[Box] = []
        for k, alt in enumerate(alts):
            part = [m for m in (self._meet(b, alt) for b in boxes) if m is not None]
            for earlier in alts[:k]:
                part = self._minus(part, earlier)
            out += part
        return out

    @staticmethod
    def size(boxes: list[Box]) -> int:
        return sum(prod(len(s) for s in b) for b in boxes)

    def _sorted(self, d: int, values: frozenset[Value]) -> list[Value]:
        return sorted(values, key=self.pos[d].__getitem__)

    def first(self, boxes: list[Box], n: int) -> list[Combo]:
        """The first `n` combinations of disjoint `boxes`, in asking and listing order."""

        def listed(b: Box) -> Iterator[tuple[int, ...]]:
            return itertools.product(*([self.pos[d][v] for v in self._sorted(d, s)] for d, s in enumerate(b)))

        return [self._at(k) for k in itertools.islice(heapq.merge(*(listed(b) for b in boxes)), n)]

    def combo(self, values: list[Value]) -> Combo:
        return dict(zip(self.ids, values))

    # ----- the questions the checks ask ----------------------------------------------------------
    def missing(self) -> list[Box]:
        left = self.feasible
        for alts in self.alts:
            for alt in alts:
                left = self._minus(left, alt)
        return left

    def overlaps(self) -> Iterator[tuple[int, int, Combo]]:
        """(a, b, first combination both match) for every pair of rules a < b that overlap."""
        for a, b in itertools.combinations(range(len(self.alts)), 2):
            both = [m for x in self.matched[a] for y in self.matched[b] if (m := self._meet_boxes(x, y))]
            if both:
                yield a, b, self.first(both, 1)[0]

    @staticmethod
    def _meet_boxes(x: Box, y: Box) -> Box | None:
        out = tuple(s & t for s, t in zip(x, y))
        return out if all(out) else None

    def reached(self, rule: int) -> bool:
        return bool(self.matched[rule])

    def only(self, rule: int) -> list[Box]:
        """The combinations this rule alone matches (its outcome there is not in doubt)."""
        part = self.matched[rule]
        for k, alts in enumerate(self.alts):
            if k != rule:
                for alt in alts:
                    part = self._minus(part, alt)
        return part

    def not_monotone(
        self,
        rank: Callable[[int, Value], int],
        worse: Callable[[int, int], bool],
    ) -> tuple[int, list[tuple[int, int, Combo, Combo]]]:
        """Pairs (a, b) of combinations each matched by one rule, where a is at least as bad as b
        on every input (rank(input, value): 0 = worst) yet `worse(rule of a, rule of b)`: the
        exact number of such pairs, and for each pair of rules its first example."""
        only = [self.only(r) for r in range(len(self.alts))]
        total, found = 0, []
        for ra, rb in itertools.permutations(range(len(self.alts)), 2):
            if not worse(ra, rb):
                continue
            first: Pick | None = None
            for x in only[ra]:
                for y in only[rb]:
                    count, pick = self._dominated(x, y, rank)
                    total += count
                    if pick and (first is None or pick < first):
                        first = pick
            if first:
                found.append((first, ra, rb))
        return total, [(ra, rb, self._at(ka), self._at(kb)) for (ka, kb), ra, rb in sorted(found)]

    def _at(self, key: tuple[int, ...]) -> Combo:
        return self.combo([self.order[d][i] for d, i in enumerate(key)])

    def _dominated(self, x: Box, y: Box, rank: Callable[[int, Value], int]) -> tuple[int, Pick | None]:
        """How many (a in x, b in y) rank a <= b on every input, and the first such pair."""
        count, pa, pb = 1, [], []
        for d, (s, t) in enumerate(zip(x, y)):
            pairs = [(self.pos[d][u], self.pos[d][v]) for u in s for v in t if rank(d, u) <= rank(d, v)]
            if not pairs:
                return 0, None
            count *= len(pairs)
            i, j = min(pairs)
            pa.append(i)
            pb.append(j)
        return count, (tuple(pa), tuple(pb))


def enumerate_combinations(questions: list[dict[str, Any]], inputs: list[str]) -> list[Combo]:
    """Every combination of the table's inputs that can be asked (None = not asked), listed: for
    `kb intake table`, whose reader wants every row. The checks use `Table`."""
    qs = [q for q in questions if q["id"] in inputs]
    out: list[Combo] = [{}]
    for q in qs:
        nxt = []
        refs = _refs(q["when"])
        for partial in out:
            facts = {k: v for k, v in partial.items() if v is not None}
            if refs <= set(partial):
                values: list[Value] = (
                    [o["value"] for o in engine.options_for(q, facts)] if engine.matches(q["when"], facts) else [None]
                )
            else:
                values = [*domain(q), None]
            nxt += [{**partial, q["id"]: v} for v in values]
        out = nxt
    return out


def show(combo: Combo) -> str:
    return ", ".join(f"{k}={v if v is not None else NOT_ASKED}" for k, v in combo.items())
