"""Stage 2 — validate: ``SourceFile`` records → the typed ``Site``, or every problem at once.

Field-level rules (required, unknown, kind) come from ``schema.py``; this module
adds what needs the whole content: references between files, duplicate slugs,
media paths. Drafts that do not validate are skipped with warnings in a published
build, so a file being filled in never blocks publishing (the preview shows them as errors).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Callable

from vitrine.content import schema as S
from vitrine.errors import ContentError, did_you_mean
from vitrine.content.read import LoadedContent, SourceFile, check_file_name
from vitrine.content.model import Edition, FreePage, Laureate, Site, make_site
from vitrine.content.fields import (FEMININE, Collector, Media, References, agree, check_body, check_fields, check_media,
                                    checked_fields, source_of)
from vitrine.content.documents import check_documents
from vitrine.content.shared import read_site_config, read_territory, read_themes

# The footer of every page links these free pages (French public sites must show both).
REQUIRED_PAGES = ("accessibilite", "mentions-legales")


@dataclass(frozen=True)
class Validated:
    site: Site | None
    errors: tuple[ContentError, ...]
    warnings: tuple[ContentError, ...]
    rules: LaureateRules | None = None  # what the laureates were checked against


@dataclass(frozen=True)
class LaureateRules:
    """What a laureate file is checked against: the rest of the content, as one build saw it.

    ``context`` sums it up: a laureate's result is valid while its file and ``context`` are the same.
    """

    quartiers: References
    themes: References
    years: References
    orphan_drafts: frozenset
    media: frozenset
    context: str
    refused_media: frozenset = frozenset()  # files of content/media/ that exist but may not be published

    def check(self, source: SourceFile) -> tuple[Laureate | None, list[ContentError]]:
        return _laureate(source, self.quartiers, self.themes, self.years, self.orphan_drafts,
                         Media(self.media, self.refused_media))


def validate(loaded: LoadedContent, include_drafts: bool = False, memo: dict | None = None) -> Validated:
    """Turn loaded files into a ``Site``; return every error found, never only the first.

    ``memo``, kept by the caller between builds, remembers each laureate's result
    while its file and everything it may refer to are unchanged.
    """
    errors: list[ContentError] = list(loaded.errors)
    warnings: list[ContentError] = []
    by_kind: dict[str, list[SourceFile]] = {}
    for f in loaded.files:
        by_kind.setdefault(f.kind, []).append(f)

    media = {m.name for m in loaded.media}
    refused = frozenset(path.removeprefix("content/") for path in loaded.refused_media)
    published = Media(frozenset(media), refused)
    config = read_site_config(by_kind.get("site", []), published, errors)
    geojson = {f.path: f for f in by_kind.get("geojson", [])}
    contrats, quartiers = read_territory(by_kind.get("territory", []), geojson, published, errors, warnings)
    themes, theme_refs = read_themes(by_kind.get("themes", []), errors, warnings)

    editions: list[Edition] = []
    for source in by_kind.get("edition", []):
        _keep(_edition(source, published), source, include_drafts, editions, errors, warnings)
    years = References({e.year: e for e in editions}, frozenset(_failed_years(errors)))
    draft_years = {e.year for e in editions if e.draft} if include_drafts else _draft_years(by_kind.get("edition", []))
    laureates: list[Laureate] = []
    orphan_drafts = draft_years - set(years.known)
    context = repr(([f.digest for f in loaded.files if f.kind in ("territory", "themes")], sorted(years.known),
                    sorted(years.broken), sorted(orphan_drafts), sorted(media), [e.path for e in loaded.errors]))
    rules = LaureateRules(quartiers, theme_refs, years, frozenset(orphan_drafts), frozenset(media), context, refused)
    for source in by_kind.get("laureate", []):
        _keep(_remembered(memo, source, context, rules.check), source, include_drafts, laureates, errors, warnings)
    if memo is not None:
        for gone in memo.keys() - {s.path for s in by_kind.get("laureate", [])}:
            del memo[gone]
    pages: list[FreePage] = []
    for source in by_kind.get("page", []):
        _keep(_page(source), source, include_drafts, pages, errors, warnings)
    if loaded.files:  # no content at all (no content/ folder): its one error says so, not one per missing page
        errors += _missing_pages(by_kind.get("page", []), pages, errors)

    if errors or config is None:
        return Validated(None, tuple(sorted(set(errors))), tuple(warnings))
    shared = hashlib.blake2b("".join(f.digest for f in loaded.files if f.kind in ("site", "territory", "themes")).encode(),
                             digest_size=16).hexdigest()
    site = make_site(config, tuple(contrats), tuple(themes), editions, laureates, pages,
                     tuple(sorted(media)), shared, {m.name: m.size for m in loaded.media})
    return Validated(site, (), tuple(warnings), rules)


def revalidate_laureates(rules: LaureateRules, sources: list[SourceFile], include_drafts: bool
                         ) -> tuple[list[Laureate], list[ContentError], list[ContentError]]:
    """Check edited laureate files alone, against the rest of the content as ``rules`` captured it:
    (the laureates published, errors, warnings), as ``validate`` would route them."""
    laureates: list[Laureate] = []
    errors: list[ContentError] = []
    warnings: list[ContentError] = []
    for source in sources:
        _keep(rules.check(source), source, include_drafts, laureates, errors, warnings)
    return laureates, errors, warnings


def _remembered(memo: dict | None, source: SourceFile, context: str,
                check: Callable[[SourceFile], tuple[Any, list[ContentError]]]) -> tuple[Any, list[ContentError]]:
    """``check(source)``, or its remembered result for the same file bytes in the same ``context``."""
    if memo is None:
        return check(source)
    key = (source.digest, context)
    hit = memo.get(source.path)
    if hit is None or hit[0] != key:
        hit = memo[source.path] = (key, check(source))
    return hit[1]


def _failed_years(errors: list[ContentError]) -> set[int]:
    """Years whose edition file failed to load or validate (the failure is reported on its own)."""
    paths = {PurePosixPath(e.path) for e in errors if e.path.startswith("content/editions/")}
    return {int(path.stem) for path in paths if path.stem.isdigit()}


def _draft_years(sources: list[SourceFile]) -> set[int]:
    return {int(s.slug) for s in sources if s.slug.isdigit() and isinstance(s.data, dict) and s.data.get("draft") is True}


def _missing_pages(sources: list[SourceFile], pages: list[FreePage], errors: list[ContentError]) -> list[ContentError]:
    """The pages every footer links must be published."""
    problems = []
    built = {p.slug for p in pages}
    for slug in REQUIRED_PAGES:
        path = f"content/pages/{slug}.md"
        if slug in built or any(e.path == path for e in errors):
            continue
        draft = next((s for s in sources if s.slug == slug), None)
        if draft:
            problems.append(ContentError(path, draft.line("draft"), "draft",
                                         "cette page obligatoire est un brouillon : elle ne serait pas publiée",
                                         "retirez « draft: true » (le pied de chaque page y renvoie)"))
        else:
            problems.append(ContentError(path, 1, "fichier", "page obligatoire absente : le pied de chaque page y renvoie",
                                         f"créez {path} (titre et texte)"))
    return problems


def _keep(result: tuple[Any, list[ContentError]], source: SourceFile, include_drafts: bool,
          into: list, errors: list[ContentError], warnings: list[ContentError]) -> None:
    """Route one record: published, skipped draft, or errors.

    A broken draft only warns in a published build; in the preview, where it is being written, it is an error
    like any other, so the editor sees it instead of a missing page.
    """
    record, problems = result
    is_draft = isinstance(source.data, dict) and source.data.get("draft") is True
    if problems:
        if is_draft and not include_drafts:
            warnings.extend(ContentError(e.path, e.line, e.field, f"brouillon non publié : {e.message}", e.hint, True)
                            for e in problems)
        else:
            errors.extend(problems)
        return
    if record.draft and not include_drafts:
        return
    into.append(record)


def _edition(source: SourceFile, media: Media) -> tuple[Edition | None, list[ContentError]]:
    out = Collector(source)
    e = check_fields(S.EDITION, source.data, (), out)
    documents = check_documents(e["documents"], media, out) if e else ()
    if e and e["call_opens"] and e["call_closes"] and e["call_opens"] > e["call_closes"]:
        out.add(("call_closes",), "call_closes", "la date de clôture précède la date d'ouverture")
    if e:
        _check_steps(e, out)
    if e and e["number"] < 1:
        out.add(("number",), "number", "le numéro d'édition commence à 1")
    links = check_body(source, out)
    if out.errors or e is None:
        return None, out.errors
    return Edition(int(source.slug), e["number"], e["call_opens"], e["call_closes"], e["laureates_announced"],
                   e["draft"], source.body, source_of(source), links, e["jury_date"], e["results_date"],
                   e["support_total"], documents), []


def _check_steps(e: dict, out: Collector) -> None:
    """The jury meets after the call closes, and the results come after both (the same day as the jury at the
    earliest): a date in the wrong order is a typo that would mislead applicants' calendars."""
    closes, jury, results = e["call_closes"] or e["call_opens"], e["jury_date"], e["results_date"]
    after = "la clôture" if e["call_closes"] else "l'ouverture"
    for field, day in (("jury_date", jury), ("results_date", results)):
        if day and closes and day <= closes:
            out.add((field,), field, f"le {day.isoformat()} ne vient pas après {after} de l'appel à projets "
                    f"({closes.isoformat()})", "vérifiez l'année et le mois, au format AAAA-MM-JJ")
    if jury and results and results < jury and not (closes and results <= closes):
        out.add(("results_date",), "results_date", f"les résultats ({results.isoformat()}) précèdent le jury "
                f"({jury.isoformat()})", "vérifiez l'année et le mois, au format AAAA-MM-JJ")


# A photo credit names someone: what is left once « © », « (c) », « Photo : » or « Crédit : » are set aside.
CREDIT_PREFIX = re.compile(r"^(?:\s|©|\(c\)|photos?\b|cr[ée]dits?\b|[:.\-–—])*", re.IGNORECASE)
CREDIT_NAME = re.compile(r"\w")
CREDIT_HINT = "écrivez qui a pris la photo, par exemple « image_credit: © Nom de l'auteur »"


def _laureate(source: SourceFile, quartiers: References, themes: References, years: References,
              draft_years: set[int], media: Media) -> tuple[Laureate | None, list[ContentError]]:
    out = Collector(source)
    _check_name(source, out)
    d, problems = source.fields or checked_fields(source, S.LAUREATE)  # checked where it was read, as a rule
    out.errors.extend(problems)
    if d is None:
        return None, out.errors
    d = dict(d)  # completed below (the image): the file's own values stay as checked, for a later validation
    if d["edition"] in draft_years and not d["draft"]:
        out.add(("edition",), "edition",
                f"l'édition {d['edition']} est un brouillon : ce lauréat ne peut pas être publié sans elle",
                f"retirez « draft: true » de content/editions/{d['edition']}.md, ou ajoutez « draft: true » ici")
    elif d["edition"] is not None and d["edition"] not in years.known and d["edition"] not in years.broken:
        known = ", ".join(str(y) for y in sorted(years.known)) or "aucune"
        full_year = 2000 + d["edition"] if 0 <= d["edition"] < 100 else None  # « edition: 21 »
        out.add(("edition",), "edition", f"édition {d['edition']} inconnue (éditions : {known})",
                f"écrivez l'année en entier : « edition: {full_year} »" if full_year in years.known
                else f"créez content/editions/{d['edition']}.md ou corrigez l'année")
    resolved_q = _resolve(d["quartiers"], quartiers, "quartiers", "quartier", "content/territory.yaml", out)
    resolved_t = _resolve(d["themes"], themes, "themes", "thématique", "content/themes.yaml", out)
    at = {n: (n,) if n in source.data else ("image",) for n in ("image_alt", "image_credit")}  # « image_alt: "" »'s line
    if d["image"]:
        d["image"] = check_media(d["image"], media, ("image",), "image", out, image=True)
        if not d["image_alt"] and not out.failed("image_alt"):
            out.add(at["image_alt"], "image_alt", "texte alternatif manquant pour l'image",
                    "ajoutez « image_alt: » qui décrit l'image pour qui ne la voit pas")
        if not d["image_credit"] and not out.failed("image_credit"):
            out.add(at["image_credit"], "image_credit", "crédit photo manquant pour l'image (une obligation légale)",
                    CREDIT_HINT)
    elif d["image_alt"]:
        out.add(("image_alt",), "image_alt", "texte alternatif sans image", "ajoutez « image: » ou retirez ce champ")
    if d["image_credit"] and not d["image"] and not out.failed("image"):
        out.add(("image_credit",), "image_credit", "crédit photo sans image", "ajoutez « image: » ou retirez ce champ")
    elif d["image_credit"] and not CREDIT_NAME.search(CREDIT_PREFIX.sub("", d["image_credit"])):
        out.add(("image_credit",), "image_credit", f"crédit photo sans nom : « {d['image_credit']} »", CREDIT_HINT)
    documents = check_documents(d["documents"], media, out)
    links = check_body(source, out)
    if d["website"]:  # a link to the site itself is checked like the body's
        links = ((source.line("website"), "website", d["website"]),) + links
    if out.errors:
        return None, out.errors
    return Laureate(source.slug, d["title"], d["porteur"], d["edition"], resolved_q, resolved_t, d["summary"],
                    d["image"], d["image_alt"], d["image_credit"], d["website"], tuple(d["partners"] or ()), d["draft"], source.body,
                    source_of(source), links, d["support"], d["video"], documents), []


def _resolve(slugs: list[str] | None, refs: References, field: str, what: str, where: str,
             out: Collector) -> tuple:
    """The records ``slugs`` name; unknown ones reported with the closest known slug."""
    if slugs is None or not refs.readable:  # the field itself, or the file it refers to, is already reported
        return ()
    if not slugs:
        out.add((field,), field, f"au moins {'une' if what in FEMININE else 'un'} {what} {agree('attendu', what)}")
    resolved = []
    for i, slug in enumerate(slugs):
        if slug in refs.known:
            if refs.known[slug] in resolved:
                out.add((field, i), field, f"{what} « {slug} » {agree('cité', what)} deux fois",
                        "gardez-le une seule fois dans la liste")
            resolved.append(refs.known[slug])
        elif slug not in refs.broken:
            hint = did_you_mean(slug, refs.known) or f"les identifiants sont dans {where}"
            out.add((field, i), field, f"{what} {agree('inconnu', what)} « {slug} »", hint)
    return tuple(resolved)


def _check_name(source: SourceFile, out: Collector) -> None:
    """A file name that is not a slug is reported with the file's other problems."""
    out.errors.extend(filter(None, [check_file_name(source.path, source.kind, source.slug)]))


def _page(source: SourceFile) -> tuple[FreePage | None, list[ContentError]]:
    out = Collector(source)
    _check_name(source, out)
    p = check_fields(S.PAGE, source.data, (), out)
    links = check_body(source, out)
    if out.errors or p is None:
        return None, out.errors
    return FreePage(source.slug, p["title"], p["menu"], p["draft"], source.body, source_of(source), links), []
