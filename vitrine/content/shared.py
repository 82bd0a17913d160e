"""The shared files every page shows: ``site.yaml``, ``territory.yaml`` (contrats de ville and quartiers), ``themes.yaml``."""

from __future__ import annotations

from vitrine.content import contrast, kinds
from vitrine.content import schema as S
from vitrine.content.editor_settings import editor_settings
from vitrine.content.fields import (Collector, Media, References, check_fields, check_media, field_of, single, slugs_of,
                                    source_of, unique)
from vitrine.content.model import Contact, ContratDeVille, Quartier, SiteConfig, Theme
from vitrine.content.outlines import missing_outline, outlines_of
from vitrine.content.read import SourceFile
from vitrine.errors import ContentError


def read_site_config(files: list[SourceFile], media: Media, errors: list[ContentError]) -> SiteConfig | None:
    source = single(files)
    if source is None:
        return None
    out = Collector(source)
    clean = check_fields(S.SITE, source.data, (), out)
    if clean:
        _check_look(source, clean, media, out)
    if clean and clean["language"] != "fr":
        out.add(("language",), "language", f"langue « {clean['language']} » non prise en charge", "écrivez « language: fr »")
    if clean and clean["page_size"] < 1:
        out.add(("page_size",), "page_size", "doit être au moins 1")
    editor = editor_settings(clean["editor"], out) if clean and clean["editor"] is not None else None
    errors.extend(out.errors)
    if out.errors or clean is None:
        return None
    base = clean["base_url"] if clean["base_url"].endswith("/") else clean["base_url"] + "/"
    return SiteConfig(clean["title"], clean["description"], clean["intro"], clean["language"], base, clean["organisation"],
                      clean["contact_email"], clean["page_size"], clean["licence"], clean["licence_url"], source_of(source),
                      ((source.line("licence_url"), "licence_url", clean["licence_url"]),), editor, clean["logo"],
                      clean["logo_alt"], clean["colour"])


def _check_look(source: SourceFile, clean: dict, media: Media, out: Collector) -> None:
    """The logo (an image of content/media/, with its alternative text) and the main colour (readable on the
    theme's backgrounds, ``contrast``)."""
    if clean["logo"]:
        clean["logo"] = check_media(clean["logo"], media, ("logo",), "logo", out, image=True)
        if not clean["logo_alt"]:
            out.add(("logo",), "logo_alt", "texte alternatif manquant pour le logo",
                    "ajoutez « logo_alt: » avec le nom que le logo écrit (en général celui de l'organisme)")
    elif clean["logo_alt"]:
        out.add(("logo_alt",), "logo_alt", "texte alternatif sans logo", "ajoutez « logo: » ou retirez ce champ")
    data = source.data
    if clean["colour"] is None and "colour" in data and data["colour"] is None:  # « colour: #1f5fa8 »: a comment
        out.add(("colour",), "colour", "couleur vide : en YAML, ce qui suit « # » après une espace est un commentaire",
                "écrivez la couleur entre guillemets, par exemple « colour: \"#1f5fa8\" », ou retirez la ligne")
    elif clean["colour"]:
        failed = contrast.failure(clean["colour"])
        if failed:
            measured, background = failed
            out.add(("colour",), "colour", f"contraste insuffisant {contrast.shown_ratio(measured)} sur {background} "
                    f"({contrast.shown_ratio(contrast.TEXT_RATIO)} exigé pour lire les liens et les boutons)",
                    f"essayez « colour: \"{contrast.nearest_passing(clean['colour'])}\" », la même teinte assombrie")


def read_territory(files: list[SourceFile], geojson: dict[str, SourceFile], media: Media,
               errors: list[ContentError], warnings: list[ContentError]) -> tuple[list[ContratDeVille], References]:
    source = single(files)
    if source is None:
        return [], References({}, readable=False)
    out = Collector(source)
    clean = check_fields(S.TERRITORY, source.data, (), out)
    outlines = outlines_of(clean["outlines"], geojson, media, out, errors) if clean and clean["outlines"] else None
    contrats: list[ContratDeVille] = []
    seen_contrats: dict[str, int] = {}
    seen_quartiers: dict[str, int] = {}
    for i, raw in enumerate(clean["contrats_de_ville"] if clean else []):
        keys = ("contrats_de_ville", i)
        c = check_fields(S.CONTRAT, raw, keys, out)
        if c is None:
            continue
        unique(c["slug"], keys + ("slug",), seen_contrats, "contrat de ville", out)
        contact = None
        if c["contact"] is not None:
            k = check_fields(S.CONTACT, c["contact"], keys + ("contact",), out)
            contact = Contact(k["role"], k["email"], k["phone"]) if k else None
        quartiers = []
        if not c["quartiers"]:
            out.add(keys + ("quartiers",), field_of(keys, "quartiers"), "au moins un quartier attendu")
        for j, raw_q in enumerate(c["quartiers"]):
            q = check_fields(S.QUARTIER, raw_q, keys + ("quartiers", j), out)
            if q is None:
                continue
            unique(q["slug"], keys + ("quartiers", j, "slug"), seen_quartiers, "quartier", out)
            if q["coordinates"] and not (-90 <= q["coordinates"][0] <= 90 and -180 <= q["coordinates"][1] <= 180):
                out.add(keys + ("quartiers", j, "coordinates"), field_of(keys + ("quartiers", j), "coordinates"),
                        "coordonnées hors limites", "écrivez [latitude, longitude] en degrés, par exemple [48.7, 2.39]")
            outline = None
            if outlines is not None:
                outline = outlines.get(("code", q["code"])) or outlines.get(("slug", q["slug"]))
                if outline is None:
                    warnings.append(missing_outline(out, keys + ("quartiers", j), q, clean["outlines"]))
            quartiers.append(Quartier(q["slug"], q["name"], q["commune"], q["code"], q["current"], q["coordinates"],
                                      c["slug"], c["name"], outline))
        contrats.append(ContratDeVille(c["slug"], c["name"], contact, tuple(quartiers)))
    errors.extend(out.errors)
    known = {q.slug: q for c in contrats for q in c.quartiers}
    raw_contrats = source.data.get("contrats_de_ville") if isinstance(source.data, dict) else None
    raw_quartiers = [q for c in raw_contrats if isinstance(c, dict) and isinstance(c.get("quartiers"), list)
                     for q in c["quartiers"]] if isinstance(raw_contrats, list) else []
    return contrats, References(known, slugs_of(raw_quartiers) - set(known), readable=isinstance(raw_contrats, list))


def read_themes(files: list[SourceFile], errors: list[ContentError],
                warnings: list[ContentError]) -> tuple[list[Theme], References]:
    """The themes, under the key ``themes:`` (what the web editor can edit); the former top-level list is still
    read, with a warning that says how to write it now."""
    source = single(files)
    if source is None:
        return [], References({}, readable=False)
    out = Collector(source)
    data, items, keys = source.data, None, ()
    if isinstance(data, list):
        items = data
        warnings.append(ContentError(source.path, 1, "fichier", "ancienne forme : la liste des thématiques sans la "
                                     "clé « themes: » (l'éditeur en ligne ne sait pas la modifier)",
                                     "ajoutez une ligne « themes: » tout en haut, et deux espaces devant chaque ligne "
                                     "de la liste", warning=True))
    elif isinstance(data, dict) and "themes" in data:
        keys = ("themes",)
        check_fields(S.THEMES, data, (), out, partial=True)  # unknown keys, a missing or mistyped list
        items = data["themes"] if isinstance(data["themes"], list) else []
        if not items and not out.errors:
            out.add(keys, "themes", "au moins une thématique attendue", "chaque thématique commence par « - slug: »")
    if items is None or (not items and not keys):
        out.add((), "fichier", f"attendu : une liste de thématiques (« themes: » puis « - slug: … »), trouvé "
                f"{kinds.describe(data)}", "écrivez « themes: » sur la première ligne, puis chaque thématique en "
                "« - slug: … », en retrait de deux espaces")
        items = []
    themes, seen = [], {}
    for i, item in enumerate(items):
        t = check_fields(S.THEME, item, keys + (i,), out)
        if t:
            unique(t["slug"], keys + (i, "slug"), seen, "thématique", out)
            themes.append(Theme(t["slug"], t["name"], t["description"]))
    errors.extend(out.errors)
    known = {t.slug: t for t in themes}
    return themes, References(known, slugs_of(items) - set(known), readable=bool(items))  # an empty list: reported once
