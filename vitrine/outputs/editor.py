"""The web editor's files at ``/admin/``: the vendored Decap CMS bundle (``editor/``, checked against its
``VENDOR.json``), the page that loads it, and its ``config.yml`` generated from the content contract
(``editor_config.py``).

The bundle is the engine's, not the site's design: it lives beside the engine's ``static/`` and ``templates/``, in
``editor/``, so a site with its own ``static/`` still gets it and the ordinary copy of ``static/`` never carries 6.5 MB
that only ``/admin/`` loads. It is published only when ``site.yaml`` has an ``editor:`` block, or in the preview.
"""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path

from vitrine.content.model import EditorSettings, Site
from vitrine.engine import EDITOR_DIR, ENGINE_ROOT
from vitrine.errors import ContentError
from vitrine.outputs.editor_config import config_yaml, editor_config, host_origin
from vitrine.publish.output import Output

VENDOR_FILE = "VENDOR.json"
MESSAGES = "messages-fr.js"
# Decap writes a few notifications in English whatever its locale (« Failed to persist media: … », its own text
# around the browser's): the one a communications officer meets, a file that is not a photo picked as an image, is
# said in French, the others get a French lead. A script file, since the page's policy forbids inline scripts.
MESSAGES_JS = """// Vitrine: Decap's notifications that ignore its French locale, said in French.
(function () {
  var MEDIA = "Failed to persist media: ";
  var UNREADABLE = "Image illisible : ce fichier n\u2019est pas une photo JPEG, PNG ou WebP, ou il est ab\u00eem\u00e9 "
    + "\u2014 ouvrez-le dans un logiciel d\u2019images et enregistrez-le de nouveau en JPEG";
  function french(text) {
    if (text.indexOf(MEDIA) !== 0) return null;
    var reason = text.slice(MEDIA.length);
    if (/could not be decoded|InvalidStateError|EncodingError/.test(reason)) return UNREADABLE;
    return "\u00c9chec de l\u2019envoi du fichier : " + reason;
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
        for (var text = node.nodeType === 3 ? node : walker.nextNode(); text; text = walker.nextNode()) {
          var said = french(text.nodeValue);
          if (said) text.nodeValue = said;
        }
      });
    });
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
"""
ADMIN = "admin/"


def vendored_files(folder: Path = EDITOR_DIR) -> tuple[list[tuple[str, Path]], list[ContentError]]:
    """The vendored files (name, path), each checked against the sha256 that ``VENDOR.json`` records for it: a file
    changed by hand, missing or unlisted is refused (``python build.py vendor-editor`` vendors them again)."""
    where = _shown(folder / VENDOR_FILE)
    hint = "ne modifiez pas ces fichiers à la main : relancez « python build.py vendor-editor »"
    try:
        files = json.loads((folder / VENDOR_FILE).read_text("utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return [], [ContentError(where, 1, "éditeur web", "liste des fichiers de l'éditeur illisible ou absente", hint)]
    found, errors = [], []
    for name, recorded in sorted(files.items()):
        path = folder / name
        try:
            digest = _sha256(path)
        except OSError:
            errors.append(ContentError(_shown(path), 1, "éditeur web", "fichier de l'éditeur manquant", hint))
            continue
        if digest != recorded:
            errors.append(ContentError(_shown(path), 1, "éditeur web",
                                       "fichier de l'éditeur modifié : son empreinte ne correspond pas à VENDOR.json",
                                       hint))
        else:
            found.append((name, path))
    unlisted = sorted(p.name for p in folder.iterdir() if p.name not in files and p.name != VENDOR_FILE)
    errors += [ContentError(_shown(folder / name), 1, "éditeur web", "fichier absent de VENDOR.json", hint)
               for name in unlisted]
    return found, errors


_HASHED: dict[tuple, str] = {}  # (path, size, mtime, ctime, inode) → sha256: 6.5 MB hashed once per process


def _sha256(path: Path) -> str:
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    if key not in _HASHED:
        _HASHED[key] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    return _HASHED[key]


def editor_outputs(site: Site, local: bool, files: list[tuple[str, Path]]) -> list[Output]:
    """``admin/``: the page, the configuration and the vendored files; the preview's (``local``) edits through
    ``serve``'s proxy, the published site's through the git host of ``site.yaml``'s ``editor:``; nothing without
    either."""
    backend = None if local else site.config.editor
    if backend is None and not local:
        return []
    config = editor_config(site, backend)
    return ([Output(ADMIN + "index.html", index_html(backend)), Output(ADMIN + "config.yml", config_yaml(config)),
             Output(ADMIN + MESSAGES, MESSAGES_JS.encode("utf-8"))] +
            [Output(ADMIN + name, copy_from=path) for name, path in files])


def index_html(backend: EditorSettings | None) -> bytes:
    """The page that loads the editor, relatively (the site may live in a sub-folder). Its policy lets it talk to
    this site and the git host only (and ``blob:``: on saving, Decap reads a chosen photo back from the blob address
    it made for it, with ``fetch``); Decap needs eval (its configuration is checked by AJV), WebAssembly (its photo
    encoder) and inline styles (emotion)."""
    host = "" if backend is None else " " + host_origin(backend)
    policy = ("default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; "
              "style-src 'self' 'unsafe-inline'; "
              f"img-src 'self' data: blob:{host}; media-src 'self' data: blob:{host}; connect-src 'self' blob:{host}; "
              "worker-src 'self' blob:; font-src 'self' data:; frame-src 'self'; object-src 'none'; "
              "base-uri 'self'; form-action 'self'")
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{html.escape(policy, quote=False)}">
<meta name="robots" content="noindex">
<title>Modifier le site — éditeur web</title>
<link href="config.yml" type="text/yaml" rel="cms-config-url">
</head>
<body>
<script src="{MESSAGES}"></script>
<script src="decap-cms.js"></script>
</body>
</html>
""".encode("utf-8")


def _shown(path: Path) -> str:
    try:
        return path.relative_to(ENGINE_ROOT).as_posix()
    except ValueError:
        return path.as_posix()

