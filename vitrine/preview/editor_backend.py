"""The web editor's back end in ``serve``: Decap CMS's proxy protocol (its ``local_backend``), answered over the
repository's ``content/`` at ``POST /admin/api/v1``.

One endpoint, a JSON body ``{"action": …, "params": {…}}``; the actions and answers of decap-server 3.11.3's
``localFs`` middleware (file ids are the SHA-256 of the bytes, as there, so Decap's cache works), with what that
server does not do: only content files and media (``editor_paths``), an entry checked as the build would check it
before it is written (``editor_check``), photos stored without their metadata (``content/photo_metadata``), every
write atomic (the preview's watcher sees one change and rebuilds). A refusal is a non-2xx answer
``{"error": "<French text>"}``, which Decap shows in its notification.

Only this preview's own pages may post here (``editor_http``): a page of another site could otherwise make the
browser write files.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import io
import os
from pathlib import Path
from typing import Any, Callable

from vitrine.content.media import DOCUMENT_SUFFIXES, content_problem
from vitrine.content.media_files import ignored
from vitrine.content.photo_metadata import NotAPhoto, uploaded
from vitrine.content.read import LoadCache
from vitrine.files import NotRegularFile, open_regular, replace_file
from vitrine.preview import editor_paths as paths
from vitrine.preview.editor_check import Change, nameless, refusals, without_emptied
from vitrine.preview.editor_paths import Refused

MAX_SHOWN_ERRORS = 20  # a theme removed from themes.yaml may break hundreds of laureates: the first ones say enough


class EditorBackend:
    """The protocol's actions over one repository (``answer``); ``today``: the preview's date."""

    def __init__(self, root: Path, today: Callable[[], dt.date]):
        self.root = root
        self.today = today
        self.cache = LoadCache()  # what the last check read: a save re-reads only the files changed since
        self.memo: dict = {}  # each laureate's check, while its file and what it names are unchanged

    def answer(self, body: object) -> tuple[int, Any]:
        """(HTTP status, JSON answer) to one request's decoded body."""
        params = (body.get("params") or {}) if isinstance(body, dict) else None
        if not isinstance(params, dict):
            raise Refused("requête mal formée : un objet JSON {\"action\": …, \"params\": {…}} est attendu", 400)
        action = body.get("action")
        method = self.ACTIONS.get(action) if isinstance(action, str) else None
        if method is None:
            raise Refused(f"Action inconnue « {paths.shown(action)} » : l'éditeur local ne connaît que "
                          f"{', '.join(sorted(self.ACTIONS))}")
        return 200, method(self, params)

    def info(self, params: dict) -> dict:
        return {"repo": self.root.resolve().name, "publish_modes": ["simple"], "type": "local_fs"}

    def entries_by_folder(self, params: dict) -> list[dict]:
        folder, _kind = paths.entry_folder(self.root, params.get("folder"))
        rel = folder.relative_to(self.root).as_posix()
        names = sorted(e.name for e in _regular_files(folder) if e.name.endswith(".md"))
        return [self._entry(f"{rel}/{name}") for name in names]

    def entries_by_files(self, params: dict) -> list[dict]:
        files = params.get("files")
        if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
            raise Refused("requête mal formée : « files » doit être une liste de {path}", 400)
        return [self._entry(f.get("path"), f.get("label")) for f in files]

    def get_entry(self, params: dict) -> dict:
        return self._entry(params.get("path"))

    def _entry(self, path: object, label: object = None) -> dict:
        file, _kind = paths.entry(self.root, path)
        data = _read(file)
        found = {"path": path, "id": _id(data) if data is not None else None}
        if label is not None:
            found["label"] = label
        return {"data": data.decode("utf-8", "replace") if data is not None else None, "file": found}

    def persist_entry(self, params: dict) -> dict:
        files = params.get("dataFiles") or [params.get("entry")]
        options = params.get("options") if isinstance(params.get("options"), dict) else {}
        assets = params.get("assets") or []
        if not isinstance(files, list) or not isinstance(assets, list):
            raise Refused("requête mal formée : « dataFiles » et « assets » sont des listes", 400)
        change, writes = Change(), []
        for data in files:
            if not isinstance(data, dict) or not isinstance(data.get("raw"), str):
                raise Refused("requête mal formée : chaque fiche a un « path » et un texte « raw »", 400)
            if options.get("newEntry") and isinstance(data.get("path"), str) and data["path"].endswith("/.md"):
                _folder, kind = paths.entry_folder(self.root, data["path"].removesuffix("/.md"))
                raise Refused(str(nameless(data["path"], kind, data["raw"].encode("utf-8", "replace"))))
            old, _kind = paths.entry(self.root, data.get("path"))
            new_path = data.get("newPath") or data.get("path")
            target, kind = paths.entry(self.root, new_path)
            if target != old:
                if target.parent != old.parent:
                    raise Refused(f"{new_path} : une fiche ne change pas de dossier")
                change = dataclasses.replace(change, removes=change.removes + (data["path"],))
            if target.exists() and (target != old or options.get("newEntry")):
                if kind == "edition":  # named by Decap after the year of creation, not by anything in the form
                    raise Refused(f"{new_path} existe déjà : l'éditeur nomme une nouvelle édition par l'année en cours "
                                  f"— ouvrez l'édition {target.stem} dans la liste pour la modifier, ou créez celle "
                                  "d'une autre année avec « python build.py new edition <année> »")
                raise Refused(f"{new_path} existe déjà : une autre fiche porte ce nom — changez le titre")
            try:
                raw = without_emptied(kind, data["raw"]).encode("utf-8")
            except UnicodeEncodeError:  # JSON may carry a lone surrogate (« \ud800 »): no text file holds one
                raise Refused(f"{new_path} : texte illisible (caractère invalide)", 400) from None
            change.writes[new_path] = (kind, raw)
            if options.get("newEntry"):
                change = dataclasses.replace(change, created=change.created + (new_path,))
            writes.append((target, raw))
        stored = [self._stored(asset) for asset in assets]
        change.media.update((path.relative_to(self.root).as_posix(), len(data)) for path, data in stored)
        problems = refusals(self.root, self.today(), change, self.cache, self.memo)
        if problems:
            shown = [str(problem) for problem in problems[:MAX_SHOWN_ERRORS]]
            more = len(problems) - len(shown)
            raise Refused("\n".join(shown + ([f"… et {more} autre(s) erreur(s)"] if more else [])))
        for path, data in stored + writes:  # photos first: the entry that names one never lands before it
            _write(path, data)
        for gone in change.removes:
            _unlink(self.root / gone)
        return {"message": "entry persisted"}

    def get_media(self, params: dict) -> list[dict]:
        folder = paths.media_folder(self.root, params.get("mediaFolder"))
        found = []
        for item in sorted(_regular_files(folder), key=lambda e: e.name):
            try:
                found.append(self._media(paths.media(self.root, f"{paths.MEDIA_FOLDER}/{item.name}")))
            except Refused:  # a file the site cannot publish (its build error says why): not offered
                continue
        return found

    def get_media_file(self, params: dict) -> dict:
        return self._media(paths.media(self.root, params.get("path")))

    def persist_media(self, params: dict) -> dict:
        path, data = self._stored(params.get("asset"))
        _write(path, data)
        return self._media(path)

    def delete_file(self, params: dict) -> dict:
        self._delete(params.get("path"))
        return {"message": f"deleted file {params['path']}"}

    def delete_files(self, params: dict) -> dict:
        names = params.get("paths")
        if not isinstance(names, list) or not names:
            raise Refused("requête mal formée : « paths » doit être une liste de chemins", 400)
        files = [self._deletable(name) for name in names]  # every path checked before the first is deleted
        for file in files:
            _unlink(file)
        return {"message": f"deleted files {', '.join(names)}"}

    def get_deploy_preview(self, params: dict) -> None:
        return None

    def _delete(self, path: object) -> None:
        _unlink(self._deletable(path))

    def _deletable(self, path: object) -> Path:
        """A media file or an entry of a folder; never site.yaml, territory.yaml or themes.yaml, which the build
        needs (Decap never deletes a file collection's file). An image still named by a laureate may go: the
        preview reports the dead reference right away, as after a deletion on disk."""
        parts = paths.parts_of(path)
        if parts[:2] == paths.MEDIA_FOLDER.split("/"):
            return paths.media(self.root, path)
        file, kind = paths.entry(self.root, path)
        if len(parts) == 2:
            raise Refused(f"{path} ne se supprime pas : le site en a besoin")
        return file

    def _media(self, path: Path) -> dict:
        data = _read(path)
        if data is None:
            raise Refused(f"{path.relative_to(self.root).as_posix()} : fichier introuvable", 404)
        return {"id": _id(data), "content": base64.b64encode(data).decode("ascii"), "encoding": "base64",
                "path": path.relative_to(self.root).as_posix(), "name": path.name}

    def _stored(self, asset: object) -> tuple[Path, bytes]:
        """A media file as it will be stored: its path, and its bytes (a photo without its metadata), or
        ``Refused`` when the site could not publish it."""
        if (not isinstance(asset, dict) or asset.get("encoding") != "base64"
                or not isinstance(asset.get("content"), str)):
            raise Refused("requête mal formée : un fichier déposé a un « path » et un « content » en base64",
                          400)
        path = paths.media(self.root, asset.get("path"))
        shown = path.relative_to(self.root).as_posix()
        twin = next((e.name for e in _regular_files(path.parent)
                     if e.name.lower() == path.name.lower() and e.name != path.name), None)
        if twin:  # one file for Windows, macOS and some hosts: the site would show either (``media_files``)
            raise Refused(f"{shown} : ce nom ne diffère de « {twin} » que par les majuscules — renommez le "
                          "fichier avant de le déposer, ou remplacez celui-là sous le même nom")
        try:
            data = base64.b64decode(asset["content"], validate=True)
        except (binascii.Error, ValueError):
            raise Refused(f"{shown} : contenu illisible (base64 attendu)", 400) from None
        if path.suffix.lower() in DOCUMENT_SUFFIXES:
            problem = content_problem(path.name, io.BytesIO(data))
            if problem:
                raise Refused(f"{shown} : {problem[0]} — {problem[1]}")
            return path, data
        try:
            return path, uploaded(data)
        except NotAPhoto:
            raise Refused(f"{shown} : image illisible ou abîmée — ouvrez-la dans un logiciel d'images et "
                          "enregistrez-la de nouveau en JPEG, PNG ou WebP") from None

    ACTIONS: dict[str, Callable[[EditorBackend, dict], Any]] = {
        "info": info, "entriesByFolder": entries_by_folder, "entriesByFiles": entries_by_files,
        "getEntry": get_entry, "persistEntry": persist_entry, "getMedia": get_media,
        "getMediaFile": get_media_file, "persistMedia": persist_media, "deleteFile": delete_file,
        "deleteFiles": delete_files, "getDeployPreview": get_deploy_preview}


def _regular_files(folder: Path) -> list[os.DirEntry]:
    """The folder's plain files, hidden and temporary ones aside, links never followed."""
    try:
        with os.scandir(folder) as entries:
            return [e for e in entries if not ignored(e.name) and e.is_file(follow_symlinks=False)]
    except FileNotFoundError:
        return []


def _read(path: Path) -> bytes | None:
    try:
        with open_regular(path) as handle:
            return handle.read()
    except (NotRegularFile, FileNotFoundError):
        return None


def _write(path: Path, data: bytes) -> None:
    replace_file(path, lambda f: f.write(data))  # a temporary file, then one rename: the watcher sees one change


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:  # already gone: what was asked
        pass


def _id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
