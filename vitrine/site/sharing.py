"""What a page tells the machines that show it: sharing previews and schema.org structured data.

Open Graph and Twitter card tags need absolute addresses (``base_url``) and an
image: the laureate's own when it has one, the theme's neutral default image
otherwise. The JSON-LD is built here as plain data and serialized so that no
content can close its ``<script>`` element.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from vitrine.content.model import Laureate, Quartier, Site, SiteConfig

if TYPE_CHECKING:
    from vitrine.outputs.images import ImageSet

# The theme's default sharing image (static/og-default.png): the label's name, nothing else.
DEFAULT_IMAGE = ("static/og-default.png", 1200, 630, "image/png")
# str.replace, not str.translate: translate takes a slow path on non-ASCII text (0.5 ms per page here)
_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


@dataclass(frozen=True)
class ShareImage:
    url: str  # absolute
    width: int
    height: int
    mime: str
    alt: str
    card: str = "summary_large_image"  # Twitter's card: a logo shows as a small thumbnail ("summary"), not a banner


def share_image(config: SiteConfig, image: ImageSet | None, alt: str | None) -> ShareImage:
    """The laureate's image at its largest widely supported width, else the site's logo, else the default image."""
    if image is None:
        path, width, height, mime = DEFAULT_IMAGE
        return ShareImage(config.base_url + path, width, height, mime, config.title)
    variant = image.largest
    card = "summary" if image.name == config.logo else "summary_large_image"
    return ShareImage(config.base_url + variant.path, variant.width, variant.height, variant.mime, alt or "", card)


def json_script(data: Any) -> Markup:
    """A ``<script type="application/ld+json">`` element; ``<``, ``>`` and ``&`` are escaped inside strings."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in _JSON_ESCAPES:
        if character in text:
            text = text.replace(character, escaped)
    return Markup(f'<script type="application/ld+json">{text}</script>\n')


def site_graph(config: SiteConfig, logo: ImageSet | None = None) -> dict[str, Any]:
    """The site and the body that publishes it (home page), with its logo when it has one."""
    base = config.base_url
    organisation: dict[str, Any] = {"@type": "GovernmentOrganization", "@id": base + "#organisation",
                                    "name": config.organisation, "email": config.contact_email}
    if logo is not None:
        variant = logo.largest
        organisation["logo"] = {"@type": "ImageObject", "url": base + variant.path, "width": variant.width,
                                "height": variant.height, "caption": config.logo_alt}
    return {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "@id": base + "#site", "url": base, "name": config.title,
         "description": config.description, "inLanguage": "fr-FR", "publisher": {"@id": base + "#organisation"}},
        organisation,
    ]}


def laureate_graph(config: SiteConfig, laureate: Laureate, image: ShareImage | None,
                   sizes: dict[str, str] | None = None) -> dict[str, Any]:
    """A laureate's page: the project, the organisation that carries it and the quartiers it serves; its support
    as a grant from the label's organisation, its documents and video as works about it. ``sizes``: each
    document's « 340 Ko »."""
    base = config.base_url
    page = f"{base}laureats/{laureate.slug}/"
    porteur: dict[str, Any] = {"@type": "Organization", "name": laureate.porteur}
    if laureate.website:
        porteur["url"] = laureate.website
    project: dict[str, Any] = {
        "@type": "Project", "@id": page + "#projet", "name": laureate.title, "description": laureate.summary,
        "url": page, "parentOrganization": porteur,
        "areaServed": [_place(base, q) for q in laureate.quartiers],
        "award": f"{config.title}, édition {laureate.edition}",
        "keywords": [t.name for t in laureate.themes],
    }
    if image is not None:  # the photo with its credit (schema.org's creditText), as the page shows it
        project["image"] = {"@type": "ImageObject", "url": image.url, "width": image.width, "height": image.height,
                            "caption": image.alt, "creditText": laureate.image_credit}
    if laureate.support:  # schema.org's funding (a Grant) is a property of Organization, of which Project is a kind
        project["funding"] = {"@type": "MonetaryGrant",
                              "name": f"Soutien du label {config.title}, édition {laureate.edition}",
                              "amount": {"@type": "MonetaryAmount", "value": laureate.support, "currency": "EUR"},
                              "funder": {"@type": "GovernmentOrganization", "@id": base + "#organisation",
                                         "name": config.organisation}}
    works = [{"@type": "DigitalDocument", "name": d.title, "url": base + d.file, "encodingFormat": d.media_type,
              **({"contentSize": sizes[d.file]} if sizes and d.file in sizes else {})}
             for d in laureate.documents]
    if laureate.video:  # a link to the video, never its player: no thumbnail or upload date to give
        works.append({"@type": "VideoObject", "name": f"Vidéo\u00a0: {laureate.title}", "url": laureate.video})
    if works:  # associatedMedia is CreativeWork's; subjectOf (any Thing's) fits a project
        project["subjectOf"] = works
    return {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": page, "url": page, "name": laureate.title, "description": laureate.summary,
         "inLanguage": "fr-FR", "isPartOf": {"@id": base + "#site"}, "mainEntity": {"@id": page + "#projet"}},
        project,
    ]}


def _place(base: str, quartier: Quartier) -> dict[str, Any]:
    place: dict[str, Any] = {
        "@type": "Place", "name": quartier.name, "url": f"{base}quartiers/{quartier.slug}/",
        "address": {"@type": "PostalAddress", "addressLocality": quartier.commune, "addressCountry": "FR"},
    }
    if quartier.code:
        place["identifier"] = quartier.code
    if quartier.coordinates:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": quartier.coordinates[0],
                        "longitude": quartier.coordinates[1]}
    return place


def feed_title(site: Site) -> str:
    return f"Les lauréats — {site.config.title}"
