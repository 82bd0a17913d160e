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


def share_image(config: SiteConfig, image: ImageSet | None, alt: str | None) -> ShareImage:
    """The laureate's image at its largest widely supported width, else the default image."""
    if image is None:
        path, width, height, mime = DEFAULT_IMAGE
        return ShareImage(config.base_url + path, width, height, mime, config.title)
    variant = image.largest
    return ShareImage(config.base_url + variant.path, variant.width, variant.height, variant.mime, alt or "")


def json_script(data: Any) -> Markup:
    """A ``<script type="application/ld+json">`` element; ``<``, ``>`` and ``&`` are escaped inside strings."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in _JSON_ESCAPES:
        if character in text:
            text = text.replace(character, escaped)
    return Markup(f'<script type="application/ld+json">{text}</script>\n')


def site_graph(config: SiteConfig) -> dict[str, Any]:
    """The site and the body that publishes it (home page)."""
    base = config.base_url
    return {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "@id": base + "#site", "url": base, "name": config.title,
         "description": config.description, "inLanguage": "fr-FR", "publisher": {"@id": base + "#organisation"}},
        {"@type": "GovernmentOrganization", "@id": base + "#organisation", "name": config.organisation,
         "email": config.contact_email},
    ]}


def laureate_graph(config: SiteConfig, laureate: Laureate, image: ShareImage | None) -> dict[str, Any]:
    """A laureate's page: the project, the organisation that carries it and the quartiers it serves."""
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
