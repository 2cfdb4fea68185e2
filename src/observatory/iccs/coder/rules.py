"""Legal qualifiers that move a score between ICCS codes the words alone do not separate.

ICCS classifies attempts with the completed act except for homicide (0102); robbery (0401) is theft
with violence or threat; burglary is split by premises (dwelling 05012, business 05011, public
05013), theft by what is taken and from where, assaults and threats into serious and minor, drug
offences into possession for personal use against trafficking, cultivation and production, weapons
into firearms, other weapons and CBRN materials, possession against trafficking. Each
:class:`Refinement` fires only when the label (or its description) carries the qualifier *and* the
scores already point to the family it refines: it then lifts its target just above the family's
best code. A *move* (attempt, violence, threat...) changes the family: its target is lifted above
the best code overall and the family's best code is demoted. Rules apply in order, so a later, more
specific rule (firearm trafficking) wins over an earlier one (firearm possession).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from observatory.iccs.coder import qualifiers as q


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that only qualify the act (they are taken out of the label before matching).
QUALIFIER_WORDS = _word_set(
    "attempt attempted attempting attempts tentativa tentativas tentative tentatives tente tentee "
    "intento frustrado frustrada serious grievous aggravated grave graves gravisimas gravisima "
    "calificado calificada agravado agravada aggrave aggravee aggraves severe minor simple common leve "
    "leves menos petty legere legeres ordinary"
)
STRONG = 0.45  # a family is supported when its best code has this share of the best score
STEP = 0.1


@dataclass(frozen=True)
class Refinement:
    """``cues`` (and ``also``, unless ``unless``) in the label move ``family`` to ``target``."""

    name: str
    family: tuple[str, ...]
    cues: tuple[str, ...]
    target: str
    also: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    move: bool = False  # a change of family: lifted above the best code overall
    demote: float = 1.0  # the family's best code is multiplied by this


def R(
    name: str,
    family: str,
    cues: tuple[str, ...],
    target: str,
    also: tuple[str, ...] = (),
    unless: tuple[str, ...] = (),
    demote: float = 1.0,
) -> Refinement:
    return Refinement(name, tuple(family.split()), cues, target, also, unless, demote < 1.0, demote)


REFINEMENTS: tuple[Refinement, ...] = (
    # Homicide: threats to kill are threats; attempts and conspiracies are 0102; no intent is 0103.
    R("threat", "0101 0102 0107 110131", q.THREAT, "020121", demote=0.5),
    R("attempt", "0101", q.ATTEMPT + q.CONSPIRACY, "0102", unless=q.THREAT, demote=0.5),
    R("preterintentional", "0101 0103", q.PRETERINTENTIONAL, "01031", also=q.KILL, demote=0.5),
    R("negligent", "0101 0103", q.NEGLIGENT, "01032", also=q.KILL, unless=q.THREAT, demote=0.5),
    R("dangerous driving", "0207 0907 0103", q.DANGEROUS, "02063", also=q.DRIVING, unless=q.KILL),
    R(
        "death by driving",
        "0101 0103 02063 0207",
        q.DRIVING,
        "010321",
        also=q.KILL,
        unless=q.THREAT + q.ATTEMPT + q.NOT_DRIVING,
        demote=0.6,
    ),
    # Operating a vehicle under the influence.
    R(
        "under the influence",
        "0207 0907 06 02063",
        q.ALCOHOL + q.INFLUENCE,
        "02072",
        also=q.DRIVING,
        unless=q.KILL,
        demote=0.6,
    ),
    R("alcohol", "02072", q.ALCOHOL, "020721"),
    R("drugs", "02072", q.DRUG_INFLUENCE, "020722", unless=q.ALCOHOL),
    # Assaults and threats: serious or minor.
    R("minor", "02011", q.MINOR, "020112", unless=q.MIDDLE),
    R("serious", "02011", q.SERIOUS, "020111", unless=q.MINOR + q.MIDDLE),
    R("serious threat", "02012", q.DEATH_THREAT, "020121", unless=q.MINOR_THREAT),
    R("minor threat", "02012", q.MINOR_THREAT, "020122"),
    R("kidnapping", "0205 0202", q.KIDNAP, "020221"),
    # Trafficking in persons and negligence towards dependants.
    R("sexual exploitation", "0204", q.SEX_PURPOSE, "02041"),
    R("forced labour", "0204", q.LABOUR, "02042"),
    R("organ removal", "0204", q.ORGAN, "02043"),
    R("child under care", "0206", q.CHILD, "020611"),
    R("dependent under care", "0206", q.DEPENDENT, "020612", unless=q.CHILD),
    R("sexual harassment", "0208 0211", q.SEXUAL, "030122", also=q.HARASSMENT, demote=0.6),
    # Sexual violence and exploitation.
    R("with force", "03011", q.WITH_FORCE, "030111", unless=q.WITHOUT_FORCE),
    R("without force", "03011", q.WITHOUT_FORCE, "030112"),
    R("child", "03011", q.CHILD, "030113"),
    R("penetration", "03012 0301", q.PENETRATION, "03011", demote=0.6),
    R("corruption of minors", "0703 07", q.CHILD, "03022", unless=q.ACTIVE + q.PASSIVE, demote=0.5),
    R(
        "exploitation of prostitution",
        "08021 0302",
        q.PROSTITUTION_EXPLOITATION,
        "03021",
        also=q.PROSTITUTION,
        unless=q.CHILD,
    ),
    # Theft with violence is robbery; in Spanish and French "robo"/"vol" with force on things is burglary.
    R("violence", "0501 0502", q.VIOLENCE, "0401", unless=q.FORCE_ON_THINGS, demote=0.6),
    R(
        "force on things",
        "0401 0502",
        q.FORCE_ON_THINGS + q.DWELLING + q.UNINHABITED,
        "0501",
        also=q.ROBO,
        unless=q.VIOLENCE,
        demote=0.6,
    ),
    R("robbery of a vehicle", "0401", q.VEHICLE, "040121"),
    R("robbery in transit", "0401", q.TRANSIT, "04012", unless=q.VEHICLE),
    R("robbery of a person", "0401", q.PERSON, "04011", unless=q.AGAINST_PERSONS),
    R("robbery in the street", "0401", q.STREET, "040111"),
    R("robbery in a dwelling", "0401", q.DWELLING, "040112"),
    R("robbery of a business", "0401", q.NOT_DWELLING, "04013"),
    R("robbery of a bank", "0401", q.BANK, "040131", unless=q.NOT_BANK),
    R("robbery of livestock", "0401", q.LIVESTOCK, "04014"),
    # Burglary by premises.
    R("dwelling", "0501", q.DWELLING, "05012", unless=q.NOT_DWELLING),
    R("business premises", "0501", q.NOT_DWELLING, "05011"),
    R("public premises", "0501", q.PUBLIC, "05013", unless=q.DWELLING),
    # Theft by what is taken and where from.
    R("vehicle", "0502", q.VEHICLE, "050211"),
    R("unauthorised use", "0502", q.UNAUTHORISED_USE, "050212"),
    R("vehicle parts", "0502", q.VEHICLE_PARTS, "050213", also=q.VEHICLE),
    R("from the person", "0502", q.FROM_PERSON, "050221", unless=q.VIOLENCE),
    R("from a vehicle", "0502", q.FROM_VEHICLE, "050222"),
    R("shop", "0502", q.SHOP, "050231"),
    R("bicycle", "0502", q.BICYCLE, "050229"),
    R("livestock", "0502", q.LIVESTOCK, "05025", unless=q.VIOLENCE),
    R("services", "0502", q.SERVICES, "05026"),
    R("public property", "0502", q.PUBLIC, "05024"),
    # Property damage by owner.
    R("damage of public property", "0504", q.PUBLIC, "05041"),
    R("damage of personal property", "0504", q.DWELLING + q.VEHICLE, "05042", unless=q.NOT_DWELLING),
    R("damage of business property", "0504", q.NOT_DWELLING, "05043", unless=q.PUBLIC),
    # Controlled drugs: the act decides the detail.
    R("possession", "0601", q.POSSESSION + q.PERSONAL_USE, "060111", unless=q.TRAFFICKING),
    R("trafficking", "0601", q.TRAFFICKING, "060121", unless=q.PERSONAL_USE),
    R("cultivation", "0601", q.CULTIVATION, "060123", unless=q.PERSONAL_USE),
    R("cultivation for personal use", "0601", q.CULTIVATION + q.PRODUCTION, "060112", also=q.PERSONAL_USE),
    R("production", "0601", q.PRODUCTION, "060122", unless=q.PERSONAL_USE + q.CULTIVATION),
    R("precursors", "0601", q.PRECURSOR, "060124"),
    R("equipment", "0601", q.EQUIPMENT, "06019"),
    # Fraud, forgery and corruption.
    R("against the State", "0701", q.STATE_FRAUD, "070111"),
    R("financial", "0701", q.FINANCIAL_FRAUD, "07011", unless=q.STATE_FRAUD),
    R("false documents", "0701 0806 0702", q.DOCUMENT, "07023", also=q.FALSE, demote=0.6),
    R("counterfeit money", "0702", q.MONEY, "070211", unless=q.NON_CASH),
    R("counterfeit non-cash payment", "0702", q.NON_CASH, "070212"),
    R("counterfeit products", "0702", q.PRODUCT, "07022"),
    R("active bribery", "0703", q.ACTIVE, "070311"),
    R("passive bribery", "0703", q.PASSIVE, "070312"),
    # Justice, migration, organised crime, terrorism.
    R("false testimony", "0702 07023", q.TESTIMONY, "08061", demote=0.5),
    R("obstruction", "0806", q.OBSTRUCTION, "08061"),
    R("breach of order", "0806", q.BREACH, "08062", unless=q.OBSTRUCTION),
    R("smuggling of migrants", "0805 08044 0204 08059", q.MIGRANT, "08051", also=q.SMUGGLING, demote=0.6),
    R("participation", "0905", q.MEMBERSHIP, "09051"),
    R("terrorist group", "0906", q.MEMBERSHIP, "09061"),
    R("financing of terrorism", "0906", q.FINANCING, "09062"),
    # Weapons: what and which act.
    R("weapon possession", "0901", q.POSSESSION, "09011", unless=q.TRAFFICKING),
    R("firearms", "0901", q.FIREARM, "090111", unless=q.TRAFFICKING + q.NOT_FIREARM),
    R("other weapons", "0901", q.OTHER_WEAPON + q.NOT_FIREARM, "090112", unless=q.TRAFFICKING),
    R("CBRN materials", "0901", q.CBRN, "090113", unless=q.TRAFFICKING),
    R("weapon trafficking", "0901", q.TRAFFICKING, "09012"),
    R("firearm trafficking", "0901", q.TRAFFICKING, "090121", also=q.FIREARM, unless=q.NOT_FIREARM),
    R("other weapon trafficking", "0901", q.TRAFFICKING, "090122", also=q.OTHER_WEAPON, unless=q.FIREARM),
    R("CBRN trafficking", "0901", q.TRAFFICKING, "090123", also=q.CBRN),
)


# Families whose refinements need the label to name the act itself, not only the qualifier.
FAMILY_WORDS: dict[str, tuple[str, ...]] = {"0502": q.THEFT}


@lru_cache(maxsize=256)
def _pattern(group: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for cue in group:
        out = ""
        for word in cue.split():
            if word == "...":
                out += "(?: [a-z0-9]+){0,2}"
            else:
                out += (" " if out else "") + (word[:-1] + "[a-z0-9]*" if word.endswith("*") else word)
        parts.append(out)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z0-9])")


def has(text: str, group: tuple[str, ...]) -> bool:
    """Whether the folded, space-joined ``text`` carries one of the cues of ``group``."""
    return bool(group) and _pattern(group).search(text) is not None


@dataclass(frozen=True)
class Move:
    """A qualifier rule that fired: ``target`` now scores ``score``."""

    rule: str
    source: str
    target: str
    score: float


def _family(scores: dict[str, float], prefixes: tuple[str, ...]) -> tuple[str, float]:
    return max(
        ((c, s) for c, s in scores.items() if c.startswith(prefixes)), key=lambda x: x[1], default=("", 0.0)
    )


def _conditions_hold(rule: Refinement, text: str) -> bool:
    if (rule.also and not has(text, rule.also)) or has(text, rule.unless):
        return False
    named = FAMILY_WORDS.get(rule.family[0])
    return rule.move or not named or has(text, named)  # "Tampering with a car" names no theft


def apply_rules(text: str, scores: dict[str, float], residual: bool = False) -> list[Move]:
    """Apply :data:`REFINEMENTS` to ``scores`` (code -> own score) in place; what moved.

    ``text`` is the label and description as folded words joined by single spaces. A refinement
    does not fire when the family's best code already is its target or a detail of it, nor on a
    catch-all label ("Other theft of a vehicle") whose best code is a catch-all.
    """
    if not scores:
        return []
    moves: list[Move] = []
    for rule in REFINEMENTS:
        if not has(text, rule.cues):
            continue
        top = max(scores.values())
        source, score = _family(scores, rule.family)
        if score < STRONG * top:
            continue
        if not rule.move and (source.startswith(rule.target) or (residual and source.endswith("9"))):
            if source == rule.target:  # already there: the qualifier still explains the detail
                moves.append(Move(rule.name, source, rule.target, score))
            continue
        if not _conditions_hold(rule, text):
            continue
        new = (max(score, top) if rule.move else score) + STEP
        if scores.get(rule.target, 0.0) < new:
            scores[rule.target] = new
            moves.append(Move(rule.name, source, rule.target, new))
            if rule.move and not source.startswith(rule.target):
                scores[source] *= rule.demote
    return moves
