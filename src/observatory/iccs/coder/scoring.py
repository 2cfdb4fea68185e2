"""The ICCS coder: proposes ICCS codes for a national offence label, with evidence and confidence.

Scoring, per label (see ``docs/architecture.md``):

1. *phrases*: every index term, inclusion, title, lexicon entry and confirmed label whose stems
   overlap the label's scores ``cov_phrase^0.6 * cov_label^0.4`` (IDF-weighted coverage both ways)
   times the weight of its kind; a code keeps its best phrase plus a little of its second;
2. *BM25* over per-code documents (titles, inclusions, descriptions, notes, index terms, both
   languages), normalised to the best code, adds a share;
3. *exclusions*: an exclusion item the label matches demotes the excluding code and credits the
   code it cites;
4. *qualifiers* (``rules.py``): attempt, violence, serious/minor, negligent...;
5. *hierarchy*: a code's final score is its own plus 0.3 of its best child's, so a parent wins when
   the evidence is spread over its children and a detailed code wins when its evidence is its own;
6. *confirmed mappings* (``neighbours.py``, ``assist.py``): the nearest confirmed labels add votes to
   these zero-shot scores, weighted by their similarity and by whether the zero-shot coder gets them
   right, with weights chosen by leave-one-out over the confirmed mappings themselves.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from observatory.catalog.iccs import load_iccs
from observatory.errors import InvalidInput, NotFound
from observatory.iccs.coder.assist import DEFAULT as DEFAULT_ASSIST
from observatory.iccs.coder.assist import (
    NONE,
    Case,
    Conventions,
    Params,
    choose,
    combine,
    confirmed_evidence,
    shortlist,
)
from observatory.iccs.coder.calibration import DEFAULT, Features, Logistic, features_of
from observatory.iccs.coder.hierarchy import aggregate
from observatory.iccs.coder.knowledge import (
    PHRASE_WEIGHT,
    Phrase,
    Sources,
    build_phrases,
    sources_from_files,
    sources_from_store,
)
from observatory.iccs.coder.neighbours import Confirmed, Neighbour, Neighbours, trigrams
from observatory.iccs.coder.proposal import Evidence, EvidenceKind, Example, Proposal
from observatory.iccs.coder.rules import QUALIFIER_WORDS, Move, apply_rules
from observatory.iccs.coder.text import Lang, is_residual, parse_lang, stems, words
from observatory.iccs.tree import normalise_code
from observatory.model.classification import Scheme
from observatory.store.db import Store

BM25_K1, BM25_B = 1.2, 0.5
BM25_SHARE = 0.35
SECOND_PHRASE_SHARE = 0.15
DESCRIPTION_SHARE = 0.5
MIN_PHRASE = 0.2
EXCLUSION_MIN_COVERAGE = 0.9
NEGATIONS = frozenset({"non", "no"})
NEGATION_PENALTY = 0.5
EXPLAINED_SHARE = 0.8  # a code explains the label words of its phrases within this share of its best
RESIDUAL_MATCH, RESIDUAL_MISMATCH = 1.2, 0.8  # a catch-all phrase for a catch-all label, or not
LEAVE_ONE_OUT_MAX = 200
LEAVE_ONE_OUT_SHARE = 3.0  # the leave-one-out slice weighs this many times the index slice


class Coder:
    """Proposes ICCS codes; build it with :meth:`from_store` or :meth:`from_files`."""

    def __init__(self, scheme: Scheme, sources: Sources, exclude_terms: Collection[str] = ()) -> None:
        self.scheme = scheme
        self.calibrator: Logistic = DEFAULT
        self._neighbours = Neighbours()
        self._calibration: list[tuple[Features, bool]] = []
        self._stale = False
        self.assist: Params = DEFAULT_ASSIST  # how much confirmed mappings count; chosen by ``_refit``
        self._first: dict[int, str | None] = {}
        self.conventions = NONE  # the country's levels and sections, from its confirmed codes
        phrases, docs = build_phrases(scheme, sources, exclude_terms)
        self.text_count = len(sources)
        self._phrases: list[Phrase] = []
        self._postings: dict[str, list[int]] = {}
        self._doc_postings: dict[str, list[tuple[str, float]]] = {}
        lengths = {code: sum(doc.values()) for code, doc in docs.items()}
        self._avg_len = max(sum(lengths.values()) / max(len(lengths), 1), 1.0)
        self._doc_len = lengths
        n = len(docs)
        for code, doc in docs.items():
            for s, tf in doc.items():
                self._doc_postings.setdefault(s, []).append((code, tf))
        self._idf = {
            s: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for s, p in self._doc_postings.items()
        }
        self._unknown_idf = math.log(1 + (n + 0.5) / 0.5)
        self._ancestors = {cat.code: [a.code for a in scheme.ancestors(cat.code)] for cat in scheme}
        for phrase in phrases:
            self._add_phrase(phrase)
        self._phrase_mass = [sum(self._weight(s) for s in p.stems) for p in self._phrases]

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_store(
        cls,
        store: Store,
        scheme: Scheme | None = None,
        lang_texts: Sequence[str] = ("en", "es"),
        *,
        exclude_terms: Collection[str] = (),
        require_texts: bool = True,
    ) -> Coder:
        """A coder knowing the ICCS texts and index loaded into ``store`` (``observatory iccs load``)."""
        sources = sources_from_store(store, lang_texts)
        if require_texts and not sources.texts:
            raise NotFound(
                "no ICCS texts in the store; load UNODC's files first: observatory iccs load "
                "iccs_v1_0_long_original_en.csv iccs_v1_0_long_original_es.csv "
                "iccs_v1_0_alphabetical_index_en.csv (or pass --texts FILE...)",
                code="iccs-texts-missing",
            )
        return cls(scheme or load_iccs(), sources, exclude_terms)

    @classmethod
    def from_files(
        cls, paths: Sequence[Path], scheme: Scheme | None = None, *, exclude_terms: Collection[str] = ()
    ) -> Coder:
        """A coder knowing UNODC's export files directly; ``exclude_terms`` are index terms left out."""
        scheme = scheme or load_iccs()
        return cls(scheme, sources_from_files(paths, scheme), exclude_terms)

    def _add_phrase(self, phrase: Phrase) -> None:
        pid = len(self._phrases)
        self._phrases.append(phrase)
        for s in phrase.stems:
            self._postings.setdefault(s, []).append(pid)

    def _weight(self, s: str) -> float:
        return self._idf.get(s, self._unknown_idf)

    # -- assisted mode --------------------------------------------------------------------------
    def learn(self, examples: Iterable[Example]) -> int:
        """Add confirmed mappings as evidence for similar labels later; returns how many were added.

        The confidence model is refitted (lazily, at the next proposal) with a leave-one-out pass
        over the confirmed mappings.
        """
        added = 0
        for example in examples:
            code = normalise_code(example.iccs_code, self.scheme)
            lang = parse_lang(example.lang)
            found = self._label_stems(example.label, lang)
            if not found:
                continue
            self._neighbours.add(
                Confirmed(
                    example.label,
                    code,
                    lang,
                    frozenset(found),
                    trigrams(self._kept(example.label)),
                    frozenset(self._label_stems(example.description, lang)),
                    example.description,
                )
            )
            added += 1
        self._stale = self._stale or added > 0
        return added

    # -- proposing ------------------------------------------------------------------------------
    @staticmethod
    def _kept(text: str) -> str:
        return " ".join(w for w in words(text) if w not in QUALIFIER_WORDS)

    def _label_stems(self, text: str, lang: Lang) -> tuple[str, ...]:
        return stems(self._kept(text), lang)

    def _phrase_scores(
        self, query: tuple[str, ...], share: float, is_residual_label: bool = False
    ) -> tuple[dict[str, list[tuple[float, Phrase]]], list[tuple[float, Phrase]]]:
        """Per code, matched phrases with their scores; and the matched exclusions."""
        total = sum(self._weight(s) for s in query)
        negated = bool(NEGATIONS.intersection(query))
        residual = RESIDUAL_MATCH if is_residual_label else RESIDUAL_MISMATCH
        matched: dict[int, float] = {}
        for s in query:
            w = self._weight(s)
            for pid in self._postings.get(s, ()):
                matched[pid] = matched.get(pid, 0.0) + w
        by_code: dict[str, list[tuple[float, Phrase]]] = {}
        exclusions: list[tuple[float, Phrase]] = []
        for pid, m in matched.items():
            phrase = self._phrases[pid]
            cov_phrase = m / self._phrase_mass[pid]
            cov_label = m / total
            score = cov_phrase**0.6 * cov_label**0.4 * share
            if negated != bool(NEGATIONS.intersection(phrase.stems)):
                score *= NEGATION_PENALTY  # "Intentional homicide" is not "Non-intentional homicide"
            if phrase.residual:
                score *= residual  # "Other acts of theft" fits "Other theft" better than "Theft"
            if phrase.kind is EvidenceKind.exclusion:
                if cov_phrase >= EXCLUSION_MIN_COVERAGE and cov_label >= 0.5:
                    exclusions.append((score, phrase))
                continue
            if score >= MIN_PHRASE * share:
                by_code.setdefault(phrase.code, []).append((score * PHRASE_WEIGHT[phrase.kind], phrase))
        return by_code, exclusions

    def _bm25(self, query: dict[str, float]) -> dict[str, float]:
        scores: dict[str, float] = {}
        for s, qw in query.items():
            idf = self._weight(s)
            for code, tf in self._doc_postings.get(s, ()):
                norm = BM25_K1 * (1 - BM25_B + BM25_B * self._doc_len[code] / self._avg_len)
                scores[code] = scores.get(code, 0.0) + qw * idf * tf * (BM25_K1 + 1) / (tf + norm)
        best = max(scores.values(), default=0.0)
        return {c: v / best for c, v in scores.items()} if best > 0 else {}

    def propose(self, label: str, description: str = "", lang: str = "en", top: int = 3) -> list[Proposal]:
        """The ``top`` most likely ICCS codes for a national offence label, best first."""
        if not label or not label.strip():
            raise InvalidInput("empty label: give the national offence's name", code="empty-label")
        if top < 1:
            raise InvalidInput(f"top must be at least 1, not {top}", code="invalid-top")
        if self._stale:
            self._refit()
        language = parse_lang(lang)
        ordered, evidence, features = self._rank(label, description, language, top)
        confidences = self.calibrator.confidences(features)
        return [
            Proposal(
                code,
                self.scheme[code].title(language.value if language is not Lang.fr else "en"),
                round(conf, 4),
                evidence.get(code, []),
                round(score, 4),
            )
            for (code, score), conf in zip(ordered[:top], confidences, strict=True)
        ]

    def _base(
        self, label: str, description: str, language: Lang
    ) -> tuple[dict[str, float], dict[str, list[Evidence]], tuple[str, ...], tuple[str, ...]]:
        """Zero-shot: every scored code's final score, the evidence, the label's and description's stems."""
        query = self._label_stems(label, language)
        extra = tuple(s for s in self._label_stems(description, language) if s not in query)
        own, evidence, exclusions, explained = self._phrase_evidence(query, extra, is_residual(label))
        bm25_query = {s: 1.0 for s in query} | {s: DESCRIPTION_SHARE for s in extra}
        for code, value in self._bm25(bm25_query).items():
            own[code] = own.get(code, 0.0) + BM25_SHARE * value
        self._apply_exclusions(exclusions, own, evidence)
        for move in apply_rules(" ".join(words(label + " " + description)), own, is_residual(label)):
            evidence.setdefault(move.target, []).insert(
                0, Evidence(EvidenceKind.qualifier, move.rule, move.source, round(move.score, 3))
            )
            self._explain_move(move, own, explained)
        return aggregate(self.scheme, own, explained), evidence, query, extra

    def _near(
        self, label: str, query: tuple[str, ...], extra: tuple[str, ...], description: str, lang: Lang,
        exclude: int | None = None,
    ) -> list[Neighbour]:  # fmt: skip
        described = frozenset(query + extra) if description else frozenset()
        grams = trigrams(self._kept(label))
        return self._neighbours.nearest(frozenset(query), grams, described, lang, exclude)

    def _first_of(self, index: int) -> str | None:
        """The zero-shot first choice for confirmed label ``index`` (cached: it never changes)."""
        if index not in self._first:
            item = self._neighbours.items[index]
            final = self._base(item.label, item.description_text, item.lang)[0]
            self._first[index] = (
                min(final.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0] if final else None
            )
        return self._first[index]

    def _rank(
        self, label: str, description: str, language: Lang, top: int, exclude: int | None = None
    ) -> tuple[list[tuple[str, float]], dict[str, list[Evidence]], list[Features]]:
        """Every scored code best first, the evidence, and the features of the ``top`` first."""
        final, evidence, query, extra = self._base(label, description, language)
        near = self._near(label, query, extra, description, language, exclude)
        ordered, cast, slotted = combine(
            final, near, self._first_of, self.assist, top, " ".join(words(label)), self.conventions
        )
        for found in confirmed_evidence(cast, slotted):  # the country's own confirmations come first
            evidence.setdefault(found.code, []).insert(0, found)
        return ordered, evidence, features_of(ordered, top, evidence, near)

    def _explain_move(self, move: Move, own: dict[str, float], explained: dict[str, frozenset[str]]) -> None:
        """The qualifier explains more of the label than the family's code: so do the target and the
        codes between them (lifted with it), so that the hierarchy lets the detail through."""
        above = {move.source, *self._ancestors[move.source]}
        path = [move.target] + [a for a in self._ancestors[move.target] if a not in above and len(a) > 2]
        marker = frozenset({f"={move.rule}"}).union(
            *(explained.get(c, frozenset()) for c in (move.source, *self._ancestors[move.source]))
        )
        for code in path:
            explained[code] = marker
            if code != move.target:
                own[code] = max(own.get(code, 0.0), move.score * 0.99)

    def _phrase_evidence(
        self, query: tuple[str, ...], extra: tuple[str, ...], residual: bool
    ) -> tuple[
        dict[str, float], dict[str, list[Evidence]], list[tuple[float, Phrase]], dict[str, frozenset[str]]
    ]:
        """Each code's phrase score (best + a share of the second) and evidence; matched exclusions;
        the label stems each code's best phrase explains."""
        evidence: dict[str, list[Evidence]] = {}
        own: dict[str, float] = {}
        explained: dict[str, frozenset[str]] = {}
        label = frozenset(query)
        phrase_hits, exclusions = self._phrase_scores(query, 1.0, residual) if query else ({}, [])
        if extra:
            more, _ = self._phrase_scores(query + extra, DESCRIPTION_SHARE, residual)
            for code, hits in more.items():
                phrase_hits.setdefault(code, []).extend(hits)
        for code, hits in phrase_hits.items():
            hits.sort(key=lambda h: -h[0])
            own[code] = hits[0][0] + (SECOND_PHRASE_SHARE * hits[1][0] if len(hits) > 1 else 0.0)
            evidence[code] = [Evidence(p.kind, p.text, p.code, round(s, 3)) for s, p in hits[:3]]
            floor = EXPLAINED_SHARE * hits[0][0]
            explained[code] = frozenset().union(*(label.intersection(p.stems) for s, p in hits if s >= floor))
        return own, evidence, exclusions, explained

    @staticmethod
    def _apply_exclusions(
        exclusions: list[tuple[float, Phrase]], own: dict[str, float], evidence: dict[str, list[Evidence]]
    ) -> None:
        """Demote each code whose exclusion the label matches; credit the code the exclusion cites."""
        credit: dict[str, float] = {}
        for score, phrase in exclusions:
            if phrase.code in own:
                own[phrase.code] *= 1 - 0.7 * score
            evidence.setdefault(phrase.code, []).append(
                Evidence(EvidenceKind.exclusion, phrase.text, phrase.code, -round(score, 3))
            )
            if phrase.cited:
                if phrase.cited not in credit:
                    evidence.setdefault(phrase.cited, []).insert(
                        0, Evidence(EvidenceKind.exclusion, phrase.text, phrase.code, round(score, 3))
                    )
                credit[phrase.cited] = max(credit.get(phrase.cited, 0.0), score * PHRASE_WEIGHT[phrase.kind])
        for code, value in credit.items():  # like one more phrase: it does not add up with a direct match
            have = own.get(code, 0.0)
            own[code] = max(have, value) + SECOND_PHRASE_SHARE * min(have, value)

    def propose_many(
        self, items: Iterable[tuple[str, str, str]], lang: str = "en", top: int = 3
    ) -> Iterable[tuple[str, list[Proposal]]]:
        """Batch mode over ``(code, label, description)`` items: yields each code with its proposals."""
        for code, label, description in items:
            yield code, self.propose(label, description, lang, top)

    def calibrate(self, examples: Iterable[Example]) -> Logistic:
        """Refit the confidence model on labelled examples (first proposals against gold codes)."""
        self._calibration = []
        for example in examples:
            language = parse_lang(example.lang)
            ordered, _, features = self._rank(example.label, example.description, language, 1)
            gold = normalise_code(example.iccs_code, self.scheme)
            if features:
                self._calibration.append((features[0], ordered[0][0] == gold))
        self._refit()
        return self.calibrator

    def _refit(self) -> None:
        """Choose how much the confirmed mappings count (``assist.choose``), then fit the confidence on the
        calibration examples plus the same leave-one-out pass over the confirmed mappings."""
        self._stale = False
        items = self._neighbours.items
        step = max(1, math.ceil(len(items) / LEAVE_ONE_OUT_MAX))
        cases: list[tuple[Case, dict[str, list[Evidence]]]] = []
        for index in range(0, len(items), step):
            item = items[index]
            final, evidence, query, extra = self._base(item.label, item.description_text, item.lang)
            near = self._near(item.label, query, extra, item.description_text, item.lang, index)
            cases.append(
                (Case(shortlist(final), tuple(near), item.code, " ".join(words(item.label))), evidence)
            )
        self.conventions = Conventions.of(item.code for item in items)
        self.assist = choose([case for case, _ in cases], self._first_of, self.conventions)
        loo: list[tuple[Features, bool]] = []
        for case, evidence in cases:
            ordered, _, _ = combine(
                case.final, case.near, self._first_of, self.assist, 1, case.label, self.conventions, case.gold
            )
            if ordered:
                features = features_of(ordered, 1, evidence, list(case.near))[0]
                loo.append((features, ordered[0][0] == case.gold))
        rows = self._calibration + loo
        if not rows:
            return
        share = LEAVE_ONE_OUT_SHARE * max(len(self._calibration), 1) / len(loo) if loo else 1.0
        weights = [1.0] * len(self._calibration) + [share] * len(loo)
        self.calibrator = Logistic.fit([f for f, _ in rows], [c for _, c in rows], weights)
