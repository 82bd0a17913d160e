"""The web editor's configuration (Decap CMS's ``config.yml``), generated from the content contract (``schema.py``)
and the site: one form field per schema field, with its French label and help, whether it is required, its limits
and patterns (the same regular expressions as validation), and the choice lists (editions, quartiers, themes) that
offer only what exists. Never written by hand: a field added to the schema is in the form.

Pure: ``editor_config(site, backend)`` is a dict, ``config_yaml`` its bytes.
"""

from __future__ import annotations

import re
from typing import Any, Mapping
from urllib.parse import urlsplit

import yaml

from vitrine.content import kinds
from vitrine.content import schema as S
from vitrine.content.model import EditorSettings, Site
from vitrine.content.slugs import SLUG_RE

# ``serve``'s own backend: Decap's proxy protocol, same origin, answered by the preview (``preview/``).
PROXY: dict[str, Any] = {"name": "proxy", "proxy_url": "/admin/api/v1"}

# The content types the editor shows, by the Decap collection that holds them.
FOLDERS = (  # (name, label, schema, slug template): one file per entry
    ("laureates", "Lauréats", S.LAUREATE, "{{title}}"),
    ("editions", "Éditions", S.EDITION, "{{year}}"),  # the file's name is the year: Decap's year of creation
    ("pages", "Pages", S.PAGE, "{{title}}"),
)
FILES = (  # (name, label, schema, file, key): one file each; key: the mapping's key holding a list, if any
    ("site", "Réglages du site", S.SITE, "content/site.yaml", None),
    ("territory", "Territoire", S.TERRITORY, "content/territory.yaml", None),
    ("themes", "Thématiques", S.THEME, "content/themes.yaml", "themes"),  # Decap cannot edit a top-level list
)

# Slugs as ``content/slugs.py`` makes them: ASCII, accents folded, anything else a hyphen.
SLUG = {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}
# Photos lose their metadata (GPS position, camera) in the browser, before they reach the repository.
MEDIA_PROCESSING = {"enabled": True, "strip_metadata": True, "format": {"enabled": False, "default": "jpeg"},
                    "quality": 85}


def js_pattern(pattern: re.Pattern[str]) -> str:
    """A validation regular expression as JavaScript reads it, with or without the ``u`` flag: Python's ``\\"``
    and ``\\'`` are identity escapes that the ``u`` flag refuses."""
    return re.sub(r"\\([\"'])", r"\1", pattern.pattern)


PATTERNS = {
    "slug": (js_pattern(SLUG_RE), "minuscules sans accents, chiffres et tirets seulement (par exemple noyer-renard)"),
    "url": (js_pattern(kinds.URL_RE), "une adresse complète commençant par http:// ou https://"),
    "email": (js_pattern(kinds.EMAIL_RE), "une adresse e-mail (par exemple prenom.nom@exemple.fr)"),
    # a text box, not Decap's colour picker: the value stays the « #rrggbb » the build checks for contrast
    "colour": ("^#[0-9a-fA-F]{6}$", "une couleur « #rrggbb », par exemple #1f5fa8"),
}


def editor_config(site: Site, backend: EditorSettings | None,
                  folders: tuple = FOLDERS, files: tuple = FILES) -> dict[str, Any]:
    """Decap's configuration: the published site's git host (``backend``), or ``serve``'s proxy when None."""
    config: dict[str, Any] = {"locale": "fr", "backend": backend_config(backend)}
    if backend is not None:
        config["site_url"] = site.config.base_url
    config.update({
        "media_folder": "content/media", "public_folder": "media", "media_processing": MEDIA_PROCESSING,
        "slug": SLUG,
        "collections": [folder_collection(name, label, schema, slug, site) for name, label, schema, slug in folders] +
                       [{"name": "reglages", "label": "Réglages", "editor": {"preview": False},
                         "files": [file_entry(*entry, site) for entry in files]}],
    })
    return config


def config_yaml(config: Mapping[str, Any]) -> bytes:
    """The configuration as Decap reads it. The same one is dumped once per process, known by its ``repr`` (exact
    for its dicts, lists, strings and numbers): the preview makes it at every save, and PyYAML took 27–60 ms of the
    100–200 ms a saved laureate costs at 4,000 laureates."""
    key = repr(config)
    if key not in _DUMPED:
        _DUMPED.clear()
        _DUMPED[key] = yaml.safe_dump(dict(config), allow_unicode=True, sort_keys=False, width=120).encode("utf-8")
    return _DUMPED[key]


_DUMPED: dict[str, bytes] = {}  # the last configuration's repr → its YAML (``config_yaml``)


def backend_config(editor: EditorSettings | None) -> dict[str, Any]:
    """GitLab signs in with PKCE (no server of ours); GitHub through the OAuth relay at ``auth_url`` (its token
    endpoint has no CORS); the preview through ``serve``."""
    if editor is None:
        return dict(PROXY)
    block: dict[str, Any] = {"name": editor.backend, "repo": editor.repository, "branch": editor.branch}
    if editor.backend == "gitlab":
        block.update({"auth_type": "pkce", "app_id": editor.app_id})
        if editor.api_root:
            block["api_root"] = editor.api_root.rstrip("/")
            block["base_url"] = re.sub(r"/api/v4$", "", block["api_root"])  # the instance, where users sign in
    else:
        if editor.api_root:  # GitHub Enterprise
            block["api_root"] = editor.api_root.rstrip("/")
        relay = urlsplit(editor.auth_url or "")
        block["base_url"] = f"{relay.scheme}://{relay.netloc}"
        block["auth_endpoint"] = relay.path.lstrip("/") or "auth"
    return block


def host_origin(editor: EditorSettings) -> str:
    """The origin the editor talks to beside the site: the git host's API."""
    default = "https://gitlab.com" if editor.backend == "gitlab" else "https://api.github.com"
    root = urlsplit(editor.api_root or default)
    return f"{root.scheme}://{root.netloc}"


def folder_collection(name: str, label: str, schema: S.Schema, slug: str, site: Site) -> dict[str, Any]:
    folder, _, pattern = schema.location.rpartition("/")
    first = schema.fields[0].name
    collection = {"name": name, "label": label, "label_singular": schema.name.capitalize(), "folder": folder,
                  "extension": pattern.rpartition(".")[2], "format": "frontmatter", "create": True, "slug": slug,
                  "identifier_field": first, "summary": "{{filename}} — {{" + first + "}}" if slug == "{{year}}"
                  else "{{" + first + "}}",
                  "fields": form_fields(schema, site)}
    if schema.has_body:
        collection["fields"].append({"name": "body", "label": schema.body_description or "Texte",
                                     "widget": "markdown", "modes": ["raw", "rich_text"], "required": False})
    return collection


def file_entry(name: str, label: str, schema: S.Schema, file: str, key: str | None, site: Site) -> dict[str, Any]:
    fields = form_fields(schema, site)
    if key:
        fields = [{"name": key, "label": label, "label_singular": schema.name.capitalize(), "widget": "list",
                   "hint": schema.description, "summary": "{{fields.name}}", "fields": fields}]
    return {"name": name, "label": label, "file": file, "fields": fields}


def form_fields(schema: S.Schema, site: Site, required: bool = True) -> list[dict[str, Any]]:
    """One form field per schema field; ``required``: False inside an optional group, whose own required fields
    Decap would otherwise demand even when the group is left out."""
    return [form_field(f, site, required) for f in schema.fields]


def label(f: S.Field) -> str:
    """The field's label: its own, else the description's first words (« Nom du projet »)."""
    return f.label or re.split(r" \(| \[| : |, |; ", f.description, maxsplit=1)[0]


def form_field(f: S.Field, site: Site, required: bool = True) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": f.name, "label": label(f)}
    if f.description != spec["label"]:
        spec["hint"] = f.description
    spec["required"] = f.required and required
    spec.update(widget(f, site))
    if f.default is not None and f.kind in ("bool", "int", "text", "url"):
        spec["default"] = f.default
    return spec


# The kinds ``widget`` has a form for: a kind of ``kinds.KIND_LABELS`` missing here fails a test.
FORMS = frozenset({"text", "slug", "url", "email", "colour", "int", "euros", "date", "bool", "text_list", "slug_list", "path",
                   "number_pair", "mapping", "list"})


def widget(f: S.Field, site: Site) -> dict[str, Any]:  # noqa: PLR0911 - one answer per kind
    """What the form shows for the field's kind (``FORMS``); any other kind gets a text box."""
    if f.choices:
        return choice_widget(f, site)
    if f.kind == "text" and f.max_length:  # a few lines' worth (the summary): a text area, its limit a pattern
        return {"widget": "text", "pattern": [f"^[\\s\\S]{{0,{f.max_length}}}$", f"{f.max_length} caractères au plus"]}
    if f.kind == "text":
        return {"widget": "string"}
    if f.kind in PATTERNS:
        return {"widget": "string", "pattern": list(PATTERNS[f.kind])}
    if f.kind == "int":
        return {"widget": "number", "value_type": "int"}
    if f.kind == "euros":
        return {"widget": "number", "value_type": "int", "min": 1}
    if f.kind == "date":
        return {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "DD/MM/YYYY", "time_format": False}
    if f.kind == "bool":
        return {"widget": "boolean"}
    if f.kind in ("text_list", "slug_list"):
        item = {"name": "item", "label": label(f), "widget": "string"}
        if f.kind == "slug_list":
            item["pattern"] = list(PATTERNS["slug"])
        return {"widget": "list", "field": item, **({"min": 1} if f.required else {})}
    if f.kind == "path":
        return {"widget": "image" if f.image else "file", "choose_url": False}
    if f.kind == "number_pair":
        return {"widget": "list", "min": 2, "max": 2,
                "field": {"name": "number", "label": "Nombre", "widget": "number", "value_type": "float"}}
    if f.kind == "mapping" and f.schema is not None:
        return {"widget": "object", "collapsed": not f.required, "fields": form_fields(f.schema, site, f.required)}
    if f.kind == "list" and f.schema is not None:
        shown = next((name for name in ("name", "title") if name in f.schema.names), None)  # a theme, a document
        summary = {"summary": f"{{{{fields.{shown}}}}}"} if shown else {}
        return {"widget": "list", "label_singular": f.schema.name.capitalize(), **summary,
                "fields": form_fields(f.schema, site), **({"min": 1} if f.required else {})}
    # A kind added to ``kinds.py`` without its form here: a plain text box keeps the editor usable (the build still
    # checks the value), and ``tests/outputs/test_editor_config.py`` fails, naming it (``FORMS``).
    return {"widget": "string"}


def choice_widget(f: S.Field, site: Site) -> dict[str, Any]:
    """A choice among what exists. Options are always {label, value}: Decap crashes on bare numbers."""
    if f.choices == "editions":
        options = [{"label": str(e.year), "value": e.year} for e in site.editions]
    elif f.choices == "quartiers":  # grouped by contrat de ville in their order; old ones said so
        options = [{"label": f"{c.name} — {q.name}" + ("" if q.current else " (ancien)"), "value": q.slug}
                   for c in site.contrats for q in c.quartiers]
    elif f.choices == "themes":
        options = [{"label": t.name, "value": t.slug} for t in site.themes.values()]
    else:
        raise ValueError(f"field {f.name!r} chooses among unknown {f.choices!r}: editions, quartiers or themes")
    if not options:  # Decap refuses an empty choice list: typed in, checked by the build
        return {"widget": "number", "value_type": "int"} if f.kind == "int" else {"widget": "list"}
    multiple = f.kind.endswith("_list")
    return {"widget": "select", "options": options,
            **({"multiple": True, **({"min": 1} if f.required else {})} if multiple else {})}
