"""Legal qualifiers that move a score between ICCS codes the words alone do not separate.

ICCS classifies attempts with the completed act except for homicide (0102); robbery (0401) is theft
with violence or threat; assaults and threats split into serious and minor; homicide without intent
is 0103 (negligent 01032, on the road 010321). Each rule fires only when the label carries the
qualifier *and* the scores already point to the family it refines.
"""

from __future__ import annotations

from dataclasses import dataclass


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


ATTEMPT = _word_set(
    "attempt attempted attempting attempts tentativa tentativas tentative tentatives tente tentee "
    "intento frustrado frustrada"
)
VIOLENCE = _word_set(
    "violence violent violently violencia violenta violento violentos intimidation intimidacion "
    "intimidatorio armed armado armada arme armee armes threats menaces amenazas"
)  # not "aggravated": an aggravated theft (vehicle taking, burglary) is still a theft
SERIOUS = _word_set(
    "serious grievous aggravated grave graves gravisimas gravisima calificado calificada agravado "
    "agravada aggrave aggravee aggraves severe"
)
MINOR = _word_set("minor simple common leve leves menos petty legere legeres ordinary")
NEGLIGENT = _word_set(
    "negligent negligence careless carelessness culposo culposa imprudente imprudencia involontaire "
    "involuntary negligente reckless"
)
VEHICLE = _word_set(
    "vehicle vehicular driving traffic road transito vehiculo vehiculos conduccion circulation routier "
    "routiere vehicule"
)
# Words that only qualify (they are taken out of the label before matching).
QUALIFIER_WORDS = ATTEMPT | SERIOUS | MINOR


@dataclass(frozen=True)
class Move:
    """A qualifier rule that fired: ``target`` now scores ``score``."""

    rule: str
    source: str
    target: str
    score: float


def _family(scores: dict[str, float], prefix: str) -> tuple[str, float]:
    best = max(
        ((c, s) for c, s in scores.items() if c.startswith(prefix)), key=lambda x: x[1], default=("", 0)
    )
    return best


def apply_rules(words: set[str], scores: dict[str, float]) -> list[Move]:
    """Apply the qualifier rules to ``scores`` (code -> own score) in place; what moved."""
    if not scores:
        return []
    top = max(scores.values())
    strong = 0.45 * top
    moves: list[Move] = []

    def lift(rule: str, source: str, target: str, base: float, demote: float = 1.0) -> None:
        new = base + 0.1
        if scores.get(target, 0.0) < new:
            scores[target] = new
            moves.append(Move(rule, source, target, new))
        if source in scores and source != target:
            scores[source] *= demote

    homicide, h_score = _family(scores, "0101")
    if h_score >= strong and words & ATTEMPT:
        lift("attempt", homicide, "0102", max(h_score, top), demote=0.5)
    elif h_score >= strong and words & NEGLIGENT:
        lift("negligent", homicide, "010321" if words & VEHICLE else "01032", h_score, demote=0.5)
    theft, t_score = _family(scores, "0502")
    if t_score >= strong and words & VIOLENCE:
        lift("violence", theft, "0401", max(t_score, top), demote=0.6)
    moves += _grade(words, scores, strong)
    return moves


def _grade(words: set[str], scores: dict[str, float], strong: float) -> list[Move]:
    """Serious/minor qualifiers within assaults and threats."""
    moves: list[Move] = []
    for family, serious, minor in (("02011", "020111", "020112"), ("02012", "020121", "020122")):
        code, score = _family(scores, family)
        target = serious if words & SERIOUS else minor if words & MINOR else None
        if score < strong or target is None:
            continue
        if scores.get(target, 0.0) < score + 0.1:
            scores[target] = score + 0.1
            moves.append(Move("serious" if target == serious else "minor", code, target, score + 0.1))
    return moves
