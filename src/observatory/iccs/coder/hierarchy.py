"""Hierarchy-aware scoring: from each code's own evidence to the final ranking scores.

ICCS repeats a detailed code's inclusions in its parents, and a national label is often less
detailed than ICCS. So a code's final score is its own plus :data:`CHILD_SHARE` of its best
child's (a parent wins when the evidence is spread over its children), and then, top-down, the
best child of a code is put just above it when its evidence is strong enough for the detail to be
believed: at :data:`DETAIL_RATIO` of the parent's own score when the child's best phrase explains
more of the label than the parent's ("Burglary *of a dwelling*"), at :data:`DETAIL_RATIO_SAME`
when it explains the same words, never when it explains fewer (the code backs off to the parent).
"""

from __future__ import annotations

from observatory.model.classification import Scheme

CHILD_SHARE = 0.3
DETAIL_RATIO = 0.5
DETAIL_RATIO_SAME = 0.85
_EMPTY: frozenset[str] = frozenset()


def aggregate(
    scheme: Scheme, own: dict[str, float], explained: dict[str, frozenset[str]]
) -> dict[str, float]:
    """Final scores: parents lifted by their best child, then detail preferred where it is believed."""
    final = dict(own)
    parents: dict[str, str] = {}
    for code in own:
        while code not in parents and (parent := scheme[code].parent) is not None:
            parents[code] = parent
            code = parent
    children: dict[str, list[str]] = {}
    for code in sorted(parents, key=len, reverse=True):  # deepest first: a child is settled first
        parent = parents[code]
        children.setdefault(parent, []).append(code)
        value = final.get(code, 0.0)
        lifted = own.get(parent, 0.0) + CHILD_SHARE * value
        if value and lifted > final.get(parent, 0.0):
            final[parent] = lifted
    for code in sorted(children, key=len):  # top-down: a promoted child's own children come next
        value = final.get(code, 0.0)
        child = max(children[code], key=lambda c: final.get(c, 0.0))
        mine, theirs = explained.get(code, _EMPTY), explained.get(child, _EMPTY)
        if theirs > mine:
            believed = final.get(child, 0.0) >= DETAIL_RATIO * own.get(code, 0.0)
        else:
            believed = theirs == mine and own.get(child, 0.0) >= DETAIL_RATIO_SAME * own.get(code, 0.0)
        if believed and 0 < final.get(child, 0.0) < value:
            final[child] = value * 1.001
    return final


def diversify(ordered: list[tuple[str, float]], top: int, per_branch: int) -> list[tuple[str, float]]:
    """``ordered`` with its ``top`` first holding at most ``per_branch`` codes of one level-2 branch.

    Alternatives from other branches are worth more to a reviewer (and to top-3 accuracy at level 2)
    than a third variant of the same branch; the codes passed over keep their order after them.
    """
    head: list[tuple[str, float]] = []
    count: dict[str, int] = {}
    for item in ordered:
        branch = item[0][:4]
        if count.get(branch, 0) < per_branch:
            head.append(item)
            count[branch] = count.get(branch, 0) + 1
            if len(head) == top:
                break
    return head + [item for item in ordered if item not in head]
