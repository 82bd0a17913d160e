"""The ``editor:`` block of ``site.yaml``: which git host the published web editor (``/admin/``) signs in to."""

from __future__ import annotations

import re

from vitrine.content import schema as S
from vitrine.content.fields import Collector, check_fields
from vitrine.content.model import EditorSettings

EDITOR_BACKENDS = ("gitlab", "github")
REPOSITORY_RE = re.compile(r"^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+$")  # GitLab's groups may nest: a/b/c

def editor_settings(raw: dict, out: Collector) -> EditorSettings | None:
    """The ``editor:`` block checked: a backend the editor can sign in to without a server of ours where possible
    (GitLab: PKCE), and GitHub only with an OAuth relay, which it needs (its token endpoint has no CORS)."""
    keys = ("editor",)
    e = check_fields(S.EDITOR, raw, keys, out)
    if e is None:
        return None
    errors = len(out.errors)
    if e["backend"] not in EDITOR_BACKENDS:
        out.add(keys + ("backend",), "editor.backend", f"hébergeur « {e['backend']} » non pris en charge",
                "écrivez « backend: gitlab » ou « backend: github »")
    if not REPOSITORY_RE.match(e["repository"]):
        out.add(keys + ("repository",), "editor.repository", f"dépôt « {e['repository']} » invalide",
                "écrivez le groupe et le projet tels qu'ils figurent dans l'adresse du dépôt, par exemple "
                "« repository: mon-organisme/vitrine »")
    if e["backend"] == "gitlab" and not e["app_id"]:
        out.add(keys, "editor.app_id", "identifiant d'application manquant : la connexion à GitLab (PKCE) en a besoin",
                "créez une application dans GitLab (non confidentielle, portée api, redirection vers "
                "https://<site>/admin/) et copiez son « Application ID » dans « app_id: »")
    if e["backend"] == "gitlab" and e["auth_url"]:
        out.add(keys + ("auth_url",), "editor.auth_url", "auth_url ne sert qu'avec github : GitLab connecte "
                "l'éditeur sans relais (PKCE)", "retirez la ligne auth_url")
    if e["backend"] == "github" and not e["auth_url"]:
        out.add(keys, "editor.auth_url", "relais de connexion manquant : GitHub ne permet pas encore de se "
                "connecter depuis le seul navigateur (son adresse d'échange de jeton refuse les pages web)",
                "installez un relais OAuth (par exemple sveltia-cms-auth, ou celui de votre organisme) et écrivez "
                "son adresse dans « auth_url: », ou hébergez le dépôt sur GitLab")
    if e["api_root"] and not e["api_root"].startswith("https://"):
        out.add(keys + ("api_root",), "editor.api_root", "l'API doit être en https://",
                "écrivez l'adresse https:// de l'API, par exemple https://gitlab.exemple.fr/api/v4")
    if len(out.errors) > errors:
        return None
    return EditorSettings(e["backend"], e["repository"], e["branch"], e["app_id"], e["api_root"], e["auth_url"])
