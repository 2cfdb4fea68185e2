"""``/api/v1/iccs``: the International Classification of Crime for Statistical Purposes, v1.0."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from observatory.catalog.iccs import Language
from observatory.iccs.index_search import search_index
from observatory.iccs.texts import index_terms_for, texts_for
from observatory.iccs.tree import category_detail, normalise_code, search
from observatory.model.classification import Category, Scheme
from observatory.web.deps import SchemeDep, StoreDep
from observatory.web.schemas import (
    IccsCategoriesPublic,
    IccsCategoryPublic,
    IccsCodeTitle,
    IccsDetailPublic,
    IccsIndexHitPublic,
    IccsIndexPublic,
    IccsSearchHitPublic,
    IccsSearchPublic,
)

router = APIRouter(prefix="/iccs", tags=["iccs"])

LangQuery = Annotated[Language, Query(description="Language of the titles.")]
SEARCH_LIMIT_MAX = 400


def category_public(scheme: Scheme, cat: Category, lang: Language) -> IccsCategoryPublic:
    return IccsCategoryPublic(
        code=cat.code,
        level=cat.level,
        title=cat.title(lang.value),
        parent=cat.parent,
        hierarchical_id=scheme.hierarchical_id(cat.code),
        children=len(scheme.children(cat.code)),
    )


@router.get("", summary="List ICCS categories", response_model=IccsCategoriesPublic)
def iccs_list(
    scheme: SchemeDep,
    parent: Annotated[
        str | None, Query(description="Children of this code; the 11 sections if omitted.")
    ] = None,
    lang: LangQuery = Language.en,
) -> IccsCategoriesPublic:
    """One level of the tree: the sections, or the children of ``parent``."""
    code = normalise_code(parent, scheme) if parent is not None else None
    cats = scheme.children(code) if code is not None else scheme.roots()
    return IccsCategoriesPublic(
        data=[category_public(scheme, c, lang) for c in cats],
        count=len(cats),
        lang=lang.value,
        parent=code,
    )


@router.get("/search", summary="Search ICCS titles", response_model=IccsSearchPublic)
def iccs_search(
    scheme: SchemeDep,
    q: Annotated[str, Query(min_length=1, description="Words of a title, or a code.")],
    lang: LangQuery = Language.en,
    limit: Annotated[int, Query(ge=1, le=SEARCH_LIMIT_MAX)] = 20,
) -> IccsSearchPublic:
    """Categories whose title contains ``q`` (case and accents ignored), best first."""
    hits = search(scheme, q, lang=lang, limit=limit)
    return IccsSearchPublic(
        data=[
            IccsSearchHitPublic(code=h.code, level=h.level, title=h.title, hierarchical_id=h.hierarchical_id)
            for h in hits
        ],
        count=len(hits),
        lang=lang.value,
        q=q,
    )


@router.get("/index", summary="Search the ICCS alphabetical index", response_model=IccsIndexPublic)
def iccs_index(
    scheme: SchemeDep,
    store: StoreDep,
    q: Annotated[str, Query(min_length=1, description="Words of an offence (any order).")],
    lang: Annotated[Language | None, Query(description="Only index terms in this language.")] = None,
    limit: Annotated[int, Query(ge=1, le=SEARCH_LIMIT_MAX)] = 50,
) -> IccsIndexPublic:
    """Alphabetical-index terms containing every word of ``q`` (loaded with ``observatory iccs load``)."""
    hits = search_index(store, q, lang=lang.value if lang else None, limit=limit)
    title_lang = lang.value if lang else "en"
    data = [
        IccsIndexHitPublic(
            term=h.term,
            lang=h.lang,
            code=h.code,
            title=scheme[h.code].title(title_lang) if h.code in scheme else None,
            code_exists=h.code_exists,
        )
        for h in hits
    ]
    return IccsIndexPublic(data=data, count=len(data), q=q)


@router.get("/{code}", summary="Get one ICCS category", response_model=IccsDetailPublic)
def iccs_get(
    code: str, scheme: SchemeDep, store: StoreDep, lang: LangQuery = Language.en
) -> IccsDetailPublic:
    """One category: its path, children, and UNODC's texts and index terms where loaded."""
    official = normalise_code(code, scheme)
    detail = category_detail(
        scheme,
        official,
        lang=lang,
        texts=texts_for(store, official, lang),
        index_terms=index_terms_for(store, official),
    )
    return IccsDetailPublic(
        code=detail.code,
        level=detail.level,
        title=detail.title,
        titles=detail.titles,
        lang=lang.value,
        parent=IccsCodeTitle(code=detail.parent.code, title=detail.parent.title) if detail.parent else None,
        ancestors=[IccsCodeTitle(code=a.code, title=a.title) for a in detail.ancestors],
        children=[IccsCodeTitle(code=c.code, title=c.title) for c in detail.children],
        hierarchical_id=detail.hierarchical_id,
        is_leaf=detail.is_leaf,
        texts=detail.texts,
        index_terms=detail.index_terms,
    )
