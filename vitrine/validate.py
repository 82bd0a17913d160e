"""Stage 2 — validate: ``SourceFile`` records → the typed ``Site``, or every problem at once.

Field-level rules (required, unknown, kind) come from ``schema.py``; this module
adds what needs the whole content: references between files, duplicate slugs,
media paths. Drafts that do not validate are skipped with warnings, so a file
being filled in never blocks a build.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from . import schema as S
from .errors import ContentError, did_you_mean
from .load import LoadedContent, SourceFile
from .model import (Contact, ContratDeVille, Edition, FreePage, Laureate, Quartier, Site, SiteConfig, Source,
                    Theme, make_site)
from .slugs import is_slug, slugify
from .typography import french


@dataclass(frozen=True)
class Validated:
    site: Site | None
    errors: tuple[ContentError, ...]
    warnings: tuple[ContentError, ...]


class _Collector:
    """Errors of one file, with the helpers that locate them."""

    def __init__(self, source: SourceFile):
        self.source = source
        self.errors: list[ContentError] = []

    def add(self, keys: tuple, field: str, message: str, hint: str = "") -> None:
        self.errors.append(ContentError(self.source.path, self.source.line(*keys), field, message, hint))


def check_fields(schema: S.Schema, data: Any, keys: tuple, out: _Collector) -> dict[str, Any] | None:
    """Apply a schema to one mapping: unknown, missing and mistyped fields; defaults filled in."""
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
                example = f" (par exemple « {f.name}: {f.example} »)" if f.example is not None and f.kind not in ("list", "mapping") else ""
                out.add(keys if keys else (), _name(keys, f.name), "champ obligatoire manquant", f"ajoutez-le{example}")
                ok = False
            clean[f.name] = f.default
            continue
        value, problem = S.check_kind(f, value)
        if problem:
            out.add(keys + (f.name,), _name(keys, f.name), problem)
            ok = False
            continue
        if f.prose:
            value = [french(v) for v in value] if isinstance(value, list) else french(value)
        clean[f.name] = value
    return clean if ok else None


def _name(keys: tuple, field: str) -> str:
    parts = [str(k) if not isinstance(k, int) else f"[{k + 1}]" for k in keys] + [field]
    return ".".join(parts).replace(".[", "[")


def validate(loaded: LoadedContent, include_drafts: bool = False) -> Validated:
    """Turn loaded files into a ``Site``; return every error found, never only the first."""
    errors: list[ContentError] = list(loaded.errors)
    warnings: list[ContentError] = []
    by_kind: dict[str, list[SourceFile]] = {}
    for f in loaded.files:
        by_kind.setdefault(f.kind, []).append(f)

    config = _site_config(by_kind.get("site", []), errors)
    contrats = _territory(by_kind.get("territory", []), errors)
    themes = _themes(by_kind.get("themes", []), errors)
    quartiers = {q.slug: q for c in contrats for q in c.quartiers}
    theme_map = {t.slug: t for t in themes}
    media = {m.name for m in loaded.media}

    editions: list[Edition] = []
    for source in by_kind.get("edition", []):
        _keep(_edition(source), source, include_drafts, editions, errors, warnings)
    years = {e.year for e in editions}
    laureates: list[Laureate] = []
    for source in by_kind.get("laureate", []):
        _keep(_laureate(source, quartiers, theme_map, years, media), source, include_drafts, laureates, errors, warnings)
    pages: list[FreePage] = []
    for source in by_kind.get("page", []):
        _keep(_page(source), source, include_drafts, pages, errors, warnings)

    if errors or config is None:
        return Validated(None, tuple(sorted(set(errors))), tuple(warnings))
    shared = hashlib.blake2b("".join(f.digest for f in loaded.files if f.kind in ("site", "territory", "themes")).encode(),
                             digest_size=16).hexdigest()
    site = make_site(config, tuple(contrats), tuple(themes), editions, laureates, pages,
                     tuple(sorted(media)), shared)
    return Validated(site, (), tuple(warnings))


def _keep(result: tuple[Any, list[ContentError]], source: SourceFile, include_drafts: bool,
          into: list, errors: list[ContentError], warnings: list[ContentError]) -> None:
    """Route one record: published, skipped draft, or errors (a broken draft only warns)."""
    record, problems = result
    is_draft = isinstance(source.data, dict) and source.data.get("draft") is True
    if problems:
        if is_draft:
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
                      clean["contact_email"], clean["page_size"], clean["licence"], clean["licence_url"], _source(source))


def _territory(files: list[SourceFile], errors: list[ContentError]) -> list[ContratDeVille]:
    source = _single(files)
    if source is None:
        return []
    out = _Collector(source)
    clean = check_fields(S.TERRITORY, source.data, (), out)
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
            quartiers.append(Quartier(q["slug"], q["name"], q["commune"], q["code"], q["current"], q["coordinates"],
                                      c["slug"], c["name"]))
        contrats.append(ContratDeVille(c["slug"], c["name"], contact, tuple(quartiers)))
    errors.extend(out.errors)
    return contrats


def _unique(slug: str, keys: tuple, seen: dict[str, int], what: str, out: _Collector) -> None:
    field = _name(keys[:-1], "slug")
    if not is_slug(slug):
        out.add(keys, field, f"identifiant « {slug} » invalide : minuscules, chiffres et tirets seulement",
                f"écrivez « {slugify(slug)} »")
    if slug in seen:
        out.add(keys, field, f"{what} « {slug} » défini deux fois (déjà ligne {seen[slug]})",
                "donnez à chacun un identifiant différent")
    else:
        seen[slug] = out.source.line(*keys)


def _themes(files: list[SourceFile], errors: list[ContentError]) -> list[Theme]:
    source = _single(files)
    if source is None:
        return []
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
    return themes


def _edition(source: SourceFile) -> tuple[Edition | None, list[ContentError]]:
    out = _Collector(source)
    e = check_fields(S.EDITION, source.data, (), out)
    if e and e["call_opens"] and e["call_closes"] and e["call_opens"] > e["call_closes"]:
        out.add(("call_closes",), "call_closes", "la date de clôture précède la date d'ouverture")
    if e and e["number"] < 1:
        out.add(("number",), "number", "le numéro d'édition commence à 1")
    if out.errors or e is None:
        return None, out.errors
    return Edition(int(source.slug), e["number"], e["call_opens"], e["call_closes"], e["laureates_announced"],
                   e["draft"], source.body, _source(source)), []


def _laureate(source: SourceFile, quartiers: dict[str, Quartier], themes: dict[str, Theme], years: set[int],
              media: set[str]) -> tuple[Laureate | None, list[ContentError]]:
    out = _Collector(source)
    d = check_fields(S.LAUREATE, source.data, (), out)
    if d is None:
        return None, out.errors
    if d["edition"] not in years:
        known = ", ".join(str(y) for y in sorted(years)) or "aucune"
        out.add(("edition",), "edition", f"édition {d['edition']} inconnue (éditions : {known})",
                f"créez content/editions/{d['edition']}.md ou corrigez l'année")
    resolved_q = _resolve(d["quartiers"], quartiers, "quartiers", "quartier", "content/territory.yaml", out)
    resolved_t = _resolve(d["themes"], themes, "themes", "thématique", "content/themes.yaml", out)
    if d["image"]:
        d["image"] = _check_media(d["image"], media, ("image",), "image", out)
        suffix = PurePosixPath(d["image"]).suffix.lower()
        if suffix not in S.IMAGE_SUFFIXES:
            out.add(("image",), "image", f"format d'image « {suffix or 'sans extension'} » non pris en charge",
                    "enregistrez l'image en JPEG, PNG ou WebP (.jpg, .png, .webp)")
        if not d["image_alt"]:
            out.add(("image",), "image_alt", "texte alternatif manquant pour l'image",
                    "ajoutez « image_alt: » qui décrit l'image pour qui ne la voit pas")
    elif d["image_alt"]:
        out.add(("image_alt",), "image_alt", "texte alternatif sans image", "ajoutez « image: » ou retirez ce champ")
    if out.errors:
        return None, out.errors
    return Laureate(source.slug, d["title"], d["porteur"], d["edition"], resolved_q, resolved_t, d["summary"],
                    d["image"], d["image_alt"], d["website"], tuple(d["partners"] or ()), d["draft"], source.body,
                    _source(source)), []


def _resolve(slugs: list[str], known: dict, field: str, what: str, where: str, out: _Collector) -> tuple:
    if not slugs:
        out.add((field,), field, f"au moins un {what} attendu")
    resolved = []
    for i, slug in enumerate(slugs):
        if slug in known:
            if known[slug] in resolved:
                out.add((field, i), field, f"{what} « {slug} » cité deux fois")
            resolved.append(known[slug])
        else:
            hint = did_you_mean(slug, known) or f"les identifiants sont dans {where}"
            out.add((field, i), field, f"{what} inconnu « {slug} »", hint)
    return tuple(resolved)


def _check_media(value: str, media: set[str], keys: tuple, field: str, out: _Collector) -> str:
    """A media path stays inside content/media/: no absolute path, no ``..``; returns ``media/…``."""
    path = PurePosixPath(value.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or value.startswith("~") or ":" in value:
        out.add(keys, field, f"chemin refusé « {value} » : il doit rester dans content/media/",
                "écrivez media/nom-du-fichier.jpg")
        return value
    name = path.as_posix()
    if not name.startswith("media/"):
        name = "media/" + name
    if name not in media:
        hint = did_you_mean(name, media) or "placez le fichier dans content/media/"
        out.add(keys, field, f"fichier introuvable « {value} »", hint)
    return name


def _page(source: SourceFile) -> tuple[FreePage | None, list[ContentError]]:
    out = _Collector(source)
    p = check_fields(S.PAGE, source.data, (), out)
    if p is None:
        return None, out.errors
    return FreePage(source.slug, p["title"], p["menu"], p["draft"], source.body, _source(source)), []
