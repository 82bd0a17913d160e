"""Stage 2 — validate: ``SourceFile`` records → the typed ``Site``, or every problem at once.

Field-level rules (required, unknown, kind) come from ``schema.py``; this module
adds what needs the whole content: references between files, duplicate slugs,
media paths. Drafts that do not validate are skipped with warnings in a published
build, so a file being filled in never blocks publishing (the preview shows them as errors).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Callable

from . import bodies
from . import schema as S
from .errors import ContentError, did_you_mean, field_name
from .load import LoadedContent, SourceFile, check_file_name
from .media import reference_problem
from .model import (Contact, ContratDeVille, Edition, FreePage, Laureate, Quartier, Site, SiteConfig, Source,
                    Theme, make_site)
from .slugs import is_slug, slugify
from .typography import french

# The footer of every page links these free pages (French public sites must show both).
REQUIRED_PAGES = ("accessibilite", "mentions-legales")


@dataclass(frozen=True)
class Validated:
    site: Site | None
    errors: tuple[ContentError, ...]
    warnings: tuple[ContentError, ...]
    rules: LaureateRules | None = None  # what the laureates were checked against


class _Collector:
    """Errors of one file, with the helpers that locate them."""

    def __init__(self, source: SourceFile):
        self.source = source
        self.errors: list[ContentError] = []

    def add(self, keys: tuple, field: str, message: str, hint: str = "") -> None:
        self.errors.append(ContentError(self.source.path, self.source.line(*keys), field, message, hint))

    def failed(self, field: str) -> bool:
        return any(e.field == field for e in self.errors)


@dataclass(frozen=True)
class _References:
    """What a laureate may refer to: valid records, and slugs whose own record failed (already reported).

    A reference to a broken record is not reported again: the editor sees the
    one real problem, not one "unknown" per laureate. ``readable`` is False
    when the whole file could not be read: then no reference to it is checked.
    """

    known: dict[str, Any]
    broken: frozenset = frozenset()
    readable: bool = True


@dataclass(frozen=True)
class _Media:
    """The files of content/media/: those published, and those refused (their own error says why)."""

    published: frozenset
    refused: frozenset


@dataclass(frozen=True)
class LaureateRules:
    """What a laureate file is checked against: the rest of the content, as one build saw it.

    ``context`` sums it up: a laureate's result is valid while its file and ``context`` are the same.
    """

    quartiers: _References
    themes: _References
    years: _References
    orphan_drafts: frozenset
    media: frozenset
    context: str
    refused_media: frozenset = frozenset()  # files of content/media/ that exist but may not be published

    def check(self, source: SourceFile) -> tuple[Laureate | None, list[ContentError]]:
        return _laureate(source, self.quartiers, self.themes, self.years, self.orphan_drafts,
                         _Media(self.media, self.refused_media))


def check_fields(schema: S.Schema, data: Any, keys: tuple, out: _Collector,
                 partial: bool = False) -> dict[str, Any] | None:
    """Apply a schema to one mapping: unknown, missing and mistyped fields; defaults filled in.

    Returns None when anything is wrong, unless ``partial``: then the fields
    that are right are returned (the others are None) so that the caller can
    go on checking them, and report every problem of the file in one run.
    """
    label = ".".join(str(k) for k in keys) or "fichier"
    if not isinstance(data, dict):
        out.add(keys, label, f"attendu : des champs « nom: valeur » ({schema.name}), trouvé {S.describe(data)}",
                "chaque ligne s'écrit « nom: valeur »")
        return None
    clean: dict[str, Any] = {}
    ok = True
    for key, value in data.items():
        if key not in schema.names:
            hint = did_you_mean(key, schema.names) or f"champs possibles : {', '.join(schema.names)}"
            out.add(keys + (key,), _name(keys, key), f"champ inconnu « {key} »", hint)
            ok = False
    for f in schema.fields:
        value = data.get(f.name)
        if value is None:
            if f.required:
                example = f" ({_example(f)})" if f.example is not None and f.kind not in ("list", "mapping") else ""
                if f.name in data:  # « title: » with nothing after it: at its own line
                    out.add(keys + (f.name,), _name(keys, f.name), "champ obligatoire vide",
                            f"écrivez sa valeur après « {f.name}: »{example}")
                else:
                    out.add(keys if keys else (), _name(keys, f.name), "champ obligatoire manquant",
                            f"ajoutez-le{example}")
                ok = False
            clean[f.name] = f.default
            continue
        checked, problem = S.check_kind(f, value)
        if problem:
            out.add(keys + (f.name,), _name(keys, f.name), problem, _kind_hint(f, value))
            ok = False
            clean[f.name] = None
            continue
        value = checked
        if f.prose:
            value = [french(v) for v in value] if isinstance(value, list) else french(value)
        clean[f.name] = value
    return clean if ok or partial else None


def _name(keys: tuple, field: str) -> str:
    return field_name(keys + (field,))


def _example(f: S.Field) -> str:
    return f"par exemple « {f.name}: {_inline_yaml(f.example)} »"


def _inline_yaml(value: Any) -> str:
    """A value as an editor would type it on one line: ``[culture, emploi]``, ``true``."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_inline_yaml(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _kind_hint(f: S.Field, value: Any) -> str:
    """What to type instead of a value of the wrong kind."""
    if f.kind in ("text", "slug", "url", "email", "path", "text_list", "slug_list") and _has_invisible(value):
        return S.INVISIBLE_HINT
    if f.kind == "text" and isinstance(value, str):  # the right kind, but empty or too long
        if f.max_length and len(value.strip()) > f.max_length:
            return "raccourcissez le texte"
        return "écrivez une valeur" + ("" if f.required else " ou retirez la ligne")
    if f.kind in ("text_list", "slug_list") and isinstance(value, str):
        return f"écrivez « {f.name}: [{value}] » ou une liste à tirets"
    own = _corrected(f, value)
    if own:
        return own
    if f.example is None or f.kind in ("list", "mapping"):
        return ""
    return _example(f)


_MONTHS = {name: number for number, names in enumerate((
    ("janvier", "janv"), ("fevrier", "fevr", "fev"), ("mars",), ("avril", "avr"), ("mai",), ("juin",),
    ("juillet", "juil"), ("aout",), ("septembre", "sept"), ("octobre", "oct"), ("novembre", "nov"),
    ("decembre", "dec")), 1) for name in names}
_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})")  # 05/06/2020, 5-6-20, 05.06.2020
_YEAR_FIRST = re.compile(r"(\d{4})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{1,2})")  # 2020/06/05, 2020-6-5
_WORDS_DATE = re.compile(r"(?:le\s+)?(?:[a-z]+\s+)?(\d{1,2})(?:er)?\s+([a-z]+)\.?\s+(\d{4})")  # (lundi) 5 juin 2020


def _corrected(f: S.Field, value: Any) -> str:
    """The editor's own value, written as the field expects it, when it can be read unambiguously: what to type."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    fix = note = ""
    if f.kind == "date":
        found = _date_of(text)
        if found == "inexistante":
            return "cette date n'existe pas : vérifiez le jour et le mois (année-mois-jour)"
        fix = found
        note = " (année-mois-jour)"
    elif f.kind == "int" and re.fullmatch(r"-?\d+", text.replace("\u00a0", "").replace(" ", "")):
        fix, note = text.replace("\u00a0", "").replace(" ", ""), " (un nombre s'écrit sans guillemets ni espace)"
    elif f.kind == "bool" and text.lower() in ("oui", "vrai", "non", "faux"):
        fix, note = ("true" if text.lower() in ("oui", "vrai") else "false"), ""
    elif f.kind == "url" and not text.startswith(("http://", "https://")) and S.URL_RE.match("https://" + text):
        fix, note = "https://" + text, " (une adresse web commence par https://)"
    elif f.kind == "email" and (text.lower().startswith("mailto:") or " " in text):
        candidate = re.sub(r"^mailto:", "", text, flags=re.I).replace(" ", "")
        fix, note = (candidate, "") if S.EMAIL_RE.match(candidate) else ("", "")
    elif f.kind == "number_pair":
        numbers = re.fullmatch(r"\[?\s*(-?\d+(?:[.,]\d+)?)\s*[,;]\s*(-?\d+(?:[.,]\d+)?)\s*\]?", text)
        if numbers and not ("," in numbers.group(1) or "," in numbers.group(2)):
            fix, note = f"[{numbers.group(1)}, {numbers.group(2)}]", " (deux nombres entre crochets, sans guillemets)"
    return f"écrivez « {f.name}: {fix} »{note}" if fix else ""


def _date_of(text: str) -> str:
    """A date as an editor may write it (French order: day, month, year), in ISO form; "inexistante" for a
    31 June; "" when it cannot be read."""
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    if match := _NUMERIC_DATE.fullmatch(plain):
        day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
        year_number = int(year) if len(year) == 4 else 2000 + int(year)
    elif match := _YEAR_FIRST.fullmatch(plain):
        year_number, month, day = int(match.group(1)), int(match.group(3)), int(match.group(4))
    elif (match := _WORDS_DATE.fullmatch(plain)) and match.group(2) in _MONTHS:
        day, month, year_number = int(match.group(1)), _MONTHS[match.group(2)], int(match.group(3))
    else:
        return ""
    try:
        return dt.date(year_number, month, day).isoformat()
    except ValueError:
        return "inexistante"


def _has_invisible(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, str) and S.invisible_character(v.strip()) for v in values)


def _check_body(source: SourceFile, out: _Collector) -> None:
    """Bidirectional controls reorder the text that follows them on the page, the feed and the open data."""
    found = S.invisible_character(source.body, S.BIDI_CONTROLS)
    if found:
        at = found[1] - 1
        line = source.body[:at].count("\n")
        column = at - (source.body.rfind("\n", 0, at) + 1) + 1
        out.errors.append(ContentError(source.path, source.body_line + line, "texte",
                                       f"{found[0]} en position {column} de la ligne", S.INVISIBLE_HINT))


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
    config = _site_config(by_kind.get("site", []), errors)
    geojson = {f.path: f for f in by_kind.get("geojson", [])}
    contrats, quartiers = _territory(by_kind.get("territory", []), geojson, _Media(frozenset(media), refused), errors,
                                     warnings)
    themes, theme_refs = _themes(by_kind.get("themes", []), errors)

    editions: list[Edition] = []
    for source in by_kind.get("edition", []):
        _keep(_edition(source), source, include_drafts, editions, errors, warnings)
    years = _References({e.year: e for e in editions}, frozenset(_failed_years(errors)))
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
                     tuple(sorted(media)), shared)
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


def _source(f: SourceFile) -> Source:
    return Source(f.path, 1, f.digest)


def _single(files: list[SourceFile]) -> SourceFile | None:
    return files[0] if files else None


def _site_config(files: list[SourceFile], errors: list[ContentError]) -> SiteConfig | None:
    source = _single(files)
    if source is None:
        return None
    out = _Collector(source)
    clean = check_fields(S.SITE, source.data, (), out)
    if clean and clean["language"] != "fr":
        out.add(("language",), "language", f"langue « {clean['language']} » non prise en charge", "écrivez « language: fr »")
    if clean and clean["page_size"] < 1:
        out.add(("page_size",), "page_size", "doit être au moins 1")
    errors.extend(out.errors)
    if out.errors or clean is None:
        return None
    base = clean["base_url"] if clean["base_url"].endswith("/") else clean["base_url"] + "/"
    return SiteConfig(clean["title"], clean["description"], clean["intro"], clean["language"], base, clean["organisation"],
                      clean["contact_email"], clean["page_size"], clean["licence"], clean["licence_url"], _source(source),
                      ((source.line("licence_url"), "licence_url", clean["licence_url"]),))


def _territory(files: list[SourceFile], geojson: dict[str, SourceFile], media: _Media,
               errors: list[ContentError], warnings: list[ContentError]) -> tuple[list[ContratDeVille], _References]:
    source = _single(files)
    if source is None:
        return [], _References({}, readable=False)
    out = _Collector(source)
    clean = check_fields(S.TERRITORY, source.data, (), out)
    outlines = _outlines(clean["outlines"], geojson, media, out, errors) if clean and clean["outlines"] else None
    contrats: list[ContratDeVille] = []
    seen_contrats: dict[str, int] = {}
    seen_quartiers: dict[str, int] = {}
    for i, raw in enumerate(clean["contrats_de_ville"] if clean else []):
        keys = ("contrats_de_ville", i)
        c = check_fields(S.CONTRAT, raw, keys, out)
        if c is None:
            continue
        _unique(c["slug"], keys + ("slug",), seen_contrats, "contrat de ville", out)
        contact = None
        if c["contact"] is not None:
            k = check_fields(S.CONTACT, c["contact"], keys + ("contact",), out)
            contact = Contact(k["role"], k["email"], k["phone"]) if k else None
        quartiers = []
        if not c["quartiers"]:
            out.add(keys + ("quartiers",), _name(keys, "quartiers"), "au moins un quartier attendu")
        for j, raw_q in enumerate(c["quartiers"]):
            q = check_fields(S.QUARTIER, raw_q, keys + ("quartiers", j), out)
            if q is None:
                continue
            _unique(q["slug"], keys + ("quartiers", j, "slug"), seen_quartiers, "quartier", out)
            if q["coordinates"] and not (-90 <= q["coordinates"][0] <= 90 and -180 <= q["coordinates"][1] <= 180):
                out.add(keys + ("quartiers", j, "coordinates"), _name(keys + ("quartiers", j), "coordinates"),
                        "coordonnées hors limites", "écrivez [latitude, longitude] en degrés, par exemple [48.7, 2.39]")
            outline = None
            if outlines is not None:
                outline = outlines.get(("code", q["code"])) or outlines.get(("slug", q["slug"]))
                if outline is None:
                    warnings.append(_missing_outline(out, keys + ("quartiers", j), q, clean["outlines"]))
            quartiers.append(Quartier(q["slug"], q["name"], q["commune"], q["code"], q["current"], q["coordinates"],
                                      c["slug"], c["name"], outline))
        contrats.append(ContratDeVille(c["slug"], c["name"], contact, tuple(quartiers)))
    errors.extend(out.errors)
    known = {q.slug: q for c in contrats for q in c.quartiers}
    raw_contrats = source.data.get("contrats_de_ville") if isinstance(source.data, dict) else None
    raw_quartiers = [q for c in raw_contrats if isinstance(c, dict) and isinstance(c.get("quartiers"), list)
                     for q in c["quartiers"]] if isinstance(raw_contrats, list) else []
    return contrats, _References(known, _slugs_of(raw_quartiers) - set(known), readable=isinstance(raw_contrats, list))


def _slugs_of(records: list) -> frozenset:
    """The slugs written in raw records, valid or not."""
    return frozenset(str(r["slug"]) for r in records if isinstance(r, dict) and isinstance(r.get("slug"), (str, int)))


def _outlines(value: str, geojson: dict[str, SourceFile], media: _Media, out: _Collector,
              errors: list[ContentError]) -> dict[tuple[str, str], tuple] | None:
    """The outlines of ``territory.yaml``'s GeoJSON file, by ("code", code_qp) and ("slug", slug)."""
    known = len(out.errors)
    name = _check_media(value, media, ("outlines",), "outlines", out)
    if len(out.errors) > known:
        return None
    source = geojson.get("content/" + name)
    if source is None and PurePosixPath(name).suffix.lower() == ".geojson":
        return None  # present, but unreadable: its own errors say why
    if source is None:
        out.add(("outlines",), "outlines", f"« {value} » n'est pas un fichier GeoJSON",
                "donnez un fichier .geojson (contours des quartiers en WGS 84)")
        return None
    problems = _Collector(source)
    found = read_outlines(source.data, problems)
    errors.extend(problems.errors)
    return None if problems.errors else found


def read_outlines(data: Any, out: _Collector) -> dict[tuple[str, str], tuple]:
    """A GeoJSON FeatureCollection of Polygons and MultiPolygons → rings of (lon, lat) by code and slug."""
    hint = "le fichier doit être une FeatureCollection GeoJSON de polygones, en longitude et latitude (WGS 84)"
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        out.add((), "type", "attendu : une FeatureCollection GeoJSON", hint)
        return {}
    found: dict[tuple[str, str], tuple] = {}
    for i, feature in enumerate(data["features"]):
        label = f"features[{i + 1}]"
        properties = feature.get("properties") if isinstance(feature, dict) else None
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(properties, dict) or not isinstance(geometry, dict):
            out.add((), label, "entité sans « properties » ou sans « geometry »", hint)
            continue
        keys = {str(k).lower(): v for k, v in properties.items()}
        if not any(isinstance(keys.get(k), str) for k in ("code_qp", "slug")):
            continue  # not a quartier we could name: ignored, like every quartier of other territories
        rings = _rings(geometry, label, out, hint)
        for key in ("code_qp", "slug"):
            if rings and isinstance(keys.get(key), str):
                at = (key.replace("code_qp", "code"), keys[key].strip())
                found[at] = found.get(at, ()) + rings  # a quartier drawn in several features
    return found


def _rings(geometry: dict, label: str, out: _Collector, hint: str) -> tuple | None:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else None
    if not isinstance(polygons, list):
        out.add((), f"{label}.geometry", f"géométrie « {kind} » : seuls Polygon et MultiPolygon sont acceptés", hint)
        return None
    rings = []
    for polygon in polygons:
        for ring in polygon if isinstance(polygon, list) else [None]:
            points = [p for p in ring if _is_position(p)] if isinstance(ring, list) else []
            if not isinstance(ring, list) or len(points) != len(ring) or len(points) < 3:
                out.add((), f"{label}.geometry", "coordonnées invalides : chaque point s'écrit [longitude, latitude]", hint)
                return None
            rings.append(tuple((float(p[0]), float(p[1])) for p in points))
    return tuple(rings)


def _is_position(p: Any) -> bool:
    return (isinstance(p, list) and len(p) >= 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                        for v in p[:2])
            and -180 <= p[0] <= 180 and -90 <= p[1] <= 90)


def _missing_outline(out: _Collector, keys: tuple, q: dict, file: str) -> ContentError:
    where = f"code_qp « {q['code']} »" if q["code"] else f"slug « {q['slug']} »"
    hint = ("vérifiez le code officiel du quartier" if q["code"]
            else "ajoutez « code: » (le code officiel du quartier) pour le rattacher à son contour")
    return ContentError(out.source.path, out.source.line(*keys), _name(keys, "code"),
                        f"aucun contour de {file} n'a la propriété {where} : le quartier n'aura pas de contour sur la carte",
                        hint, True)


def _unique(slug: str, keys: tuple, seen: dict[str, int], what: str, out: _Collector) -> None:
    field = _name(keys[:-1], "slug")
    if not is_slug(slug):
        out.add(keys, field, f"identifiant « {slug} » invalide : minuscules, chiffres et tirets seulement",
                f"écrivez « {slugify(slug)} »")
    if slug in seen:
        out.add(keys, field, f"{what} « {slug} » {_agree('défini', what)} deux fois (déjà ligne {seen[slug]})",
                "donnez à chacun un identifiant différent")
    else:
        seen[slug] = out.source.line(*keys)


def _agree(word: str, what: str) -> str:
    """« défini » or « définie »: French agreement with the feminine nouns we use."""
    return word + "e" if what in FEMININE else word


FEMININE = {"thématique", "édition"}


def _themes(files: list[SourceFile], errors: list[ContentError]) -> tuple[list[Theme], _References]:
    source = _single(files)
    if source is None:
        return [], _References({}, readable=False)
    out = _Collector(source)
    if not isinstance(source.data, list) or not source.data:
        out.add((), "fichier", f"attendu : une liste de thématiques (« - slug: … »), trouvé {S.describe(source.data)}",
                "chaque thématique commence par « - slug: »")
    themes, seen = [], {}
    for i, raw in enumerate(source.data if isinstance(source.data, list) else []):
        t = check_fields(S.THEME, raw, (i,), out)
        if t:
            _unique(t["slug"], (i, "slug"), seen, "thématique", out)
            themes.append(Theme(t["slug"], t["name"], t["description"]))
    errors.extend(out.errors)
    known = {t.slug: t for t in themes}
    raw = source.data if isinstance(source.data, list) else []
    return themes, _References(known, _slugs_of(raw) - set(known), readable=bool(raw))  # an empty list is reported once


def _edition(source: SourceFile) -> tuple[Edition | None, list[ContentError]]:
    out = _Collector(source)
    e = check_fields(S.EDITION, source.data, (), out)
    if e and e["call_opens"] and e["call_closes"] and e["call_opens"] > e["call_closes"]:
        out.add(("call_closes",), "call_closes", "la date de clôture précède la date d'ouverture")
    if e and e["number"] < 1:
        out.add(("number",), "number", "le numéro d'édition commence à 1")
    links = _body(source, out)
    if out.errors or e is None:
        return None, out.errors
    return Edition(int(source.slug), e["number"], e["call_opens"], e["call_closes"], e["laureates_announced"],
                   e["draft"], source.body, _source(source), links), []


def _laureate(source: SourceFile, quartiers: _References, themes: _References, years: _References,
              draft_years: set[int], media: _Media) -> tuple[Laureate | None, list[ContentError]]:
    out = _Collector(source)
    _check_name(source, out)
    d = check_fields(S.LAUREATE, source.data, (), out, partial=True)
    if d is None:
        return None, out.errors
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
    if d["image"]:
        d["image"] = _check_media(d["image"], media, ("image",), "image", out, image=True)
        if not d["image_alt"] and not out.failed("image_alt"):
            out.add(("image",), "image_alt", "texte alternatif manquant pour l'image",
                    "ajoutez « image_alt: » qui décrit l'image pour qui ne la voit pas")
    elif d["image_alt"]:
        out.add(("image_alt",), "image_alt", "texte alternatif sans image", "ajoutez « image: » ou retirez ce champ")
    links = _body(source, out)
    if d["website"]:  # a link to the site itself is checked like the body's
        links = ((source.line("website"), "website", d["website"]),) + links
    if out.errors:
        return None, out.errors
    return Laureate(source.slug, d["title"], d["porteur"], d["edition"], resolved_q, resolved_t, d["summary"],
                    d["image"], d["image_alt"], d["website"], tuple(d["partners"] or ()), d["draft"], source.body,
                    _source(source), links), []


def _resolve(slugs: list[str] | None, refs: _References, field: str, what: str, where: str,
             out: _Collector) -> tuple:
    """The records ``slugs`` name; unknown ones reported with the closest known slug."""
    if slugs is None or not refs.readable:  # the field itself, or the file it refers to, is already reported
        return ()
    if not slugs:
        out.add((field,), field, f"au moins {'une' if what in FEMININE else 'un'} {what} {_agree('attendu', what)}")
    resolved = []
    for i, slug in enumerate(slugs):
        if slug in refs.known:
            if refs.known[slug] in resolved:
                out.add((field, i), field, f"{what} « {slug} » {_agree('cité', what)} deux fois",
                        "gardez-le une seule fois dans la liste")
            resolved.append(refs.known[slug])
        elif slug not in refs.broken:
            hint = did_you_mean(slug, refs.known) or f"les identifiants sont dans {where}"
            out.add((field, i), field, f"{what} {_agree('inconnu', what)} « {slug} »", hint)
    return tuple(resolved)


def _check_media(value: str, media: _Media, keys: tuple, field: str, out: _Collector, image: bool = False) -> str:
    """A media path stays inside content/media/: no absolute path, no ``..``; returns ``media/…``.

    ``image``: it must be a photo Vitrine processes (JPEG, PNG, WebP)."""
    path = PurePosixPath(value.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or value.startswith("~") or ":" in value:
        out.add(keys, field, f"chemin refusé « {value} » : il doit rester dans content/media/",
                "écrivez media/nom-du-fichier.jpg")
        return value
    name = path.as_posix()
    if not name.startswith("media/"):
        name = "media/" + name
    unsafe = reference_problem(name)
    suffix = PurePosixPath(name).suffix.lower()
    if image and suffix not in S.IMAGE_SUFFIXES:  # said first: the file itself, if any, is refused for that too
        out.add(keys, field, f"format d'image « {suffix or 'sans extension'} » non pris en charge",
                "enregistrez l'image en JPEG, PNG ou WebP (.jpg, .png, .webp)")
    elif unsafe:  # the file itself, if it exists, is refused too (``load``): both say how to rename it
        out.add(keys, field, *unsafe)
    elif name in media.refused or any(name.startswith(f"{folder}/") for folder in media.refused):
        out.add(keys, field, f"fichier refusé « {value} »",
                "voyez le message sur ce fichier (ou son dossier) dans content/media/ et suivez-le")
    elif name not in media.published:
        hint = did_you_mean(name, media.published) or "placez le fichier dans content/media/"
        out.add(keys, field, f"fichier introuvable « {value} »", hint)
    return name


def _check_name(source: SourceFile, out: _Collector) -> None:
    """A file name that is not a slug is reported with the file's other problems."""
    problem = check_file_name(source.path, source.kind, source.slug)
    if problem:
        out.errors.append(problem)


def _page(source: SourceFile) -> tuple[FreePage | None, list[ContentError]]:
    out = _Collector(source)
    _check_name(source, out)
    p = check_fields(S.PAGE, source.data, (), out)
    links = _body(source, out)
    if out.errors or p is None:
        return None, out.errors
    return FreePage(source.slug, p["title"], p["menu"], p["draft"], source.body, _source(source), links), []


def _body(source: SourceFile, out: _Collector) -> tuple[tuple[int, str, str], ...]:
    """The body's problems (``bodies.scan``) reported at their line; its links kept to be resolved once the
    site's URL map is known: (line, field, destination)."""
    _check_body(source, out)
    found = bodies.scan(source.body)
    for problem in found.problems:
        out.errors.append(ContentError(source.path, source.body_line + problem.line, bodies.FIELD, problem.message,
                                       problem.hint))
    if not found.located:  # lines are looked for only if a link is dead (``bodies.dead_links``)
        return tuple((-source.body_line, bodies.FIELD, link) for _, link in found.links)
    return tuple((source.body_line + line, bodies.FIELD, link) for line, link in found.links)
