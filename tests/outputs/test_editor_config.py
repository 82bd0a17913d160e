"""The web editor's configuration is made from the content contract: every field in the form, with the limits,
patterns and choices validation applies; a field added to the schema reaches the form, the validation, the
editors' documentation and the open data's Table Schema together."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess

import pytest

from conftest import build_in_process
from vitrine.content import schema as S
from vitrine.content.fields import Collector, check_fields
from vitrine.content.model import EditorSettings, Site
from vitrine.outputs.editor_config import FOLDERS, FORMS, PATTERNS, PROXY, editor_config, form_fields, widget
from vitrine.outputs.opendata import table_schema
from vitrine.tools.docs import field_table


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    from conftest import make_repo
    report = build_in_process(make_repo(tmp_path_factory.mktemp("editor")))
    assert report.ok and report.site is not None
    return report.site


def fields_of(config: dict, collection: str, file: str | None = None) -> dict[str, dict]:
    found = next(c for c in config["collections"] if c["name"] == collection)
    if file:
        found = next(f for f in found["files"] if f["name"] == file)
    return {f["name"]: f for f in found["fields"]}


def test_every_field_of_every_content_type_is_in_the_form(site: Site) -> None:
    config = editor_config(site, None)
    for name, _label, schema, _slug in FOLDERS:
        fields = fields_of(config, name)
        assert list(fields) == schema.names + (["body"] if schema.has_body else [])
    site_fields = fields_of(config, "reglages", "site")
    assert list(site_fields) == S.SITE.names
    assert [f["name"] for f in site_fields["editor"]["fields"]] == S.EDITOR.names
    territory = fields_of(config, "reglages", "territory")["contrats_de_ville"]
    assert [f["name"] for f in territory["fields"]] == S.CONTRAT.names
    themes = fields_of(config, "reglages", "themes")
    assert list(themes) == ["themes"] and [f["name"] for f in themes["themes"]["fields"]] == S.THEME.names


def test_the_globals_follow_vitrines_rules(site: Site) -> None:
    config = editor_config(site, None)
    assert config["locale"] == "fr" and config["backend"] == PROXY
    assert config["slug"] == {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}
    assert (config["media_folder"], config["public_folder"]) == ("content/media", "media")
    assert config["media_processing"]["strip_metadata"] is True
    body = fields_of(config, "laureates")["body"]
    assert body["widget"] == "markdown" and body["modes"] == ["raw", "rich_text"]


def test_each_kind_has_its_widget_and_limits(site: Site) -> None:
    laureate = fields_of(editor_config(site, None), "laureates")
    assert laureate["title"]["label"] == "Nom du projet" and laureate["title"]["required"] is True
    assert laureate["summary"]["pattern"][0] == "^[\\s\\S]{0,280}$"
    assert "280" in laureate["summary"]["hint"]
    assert laureate["image"]["widget"] == "image" and laureate["image"]["required"] is False
    assert laureate["support"] == {**laureate["support"], "widget": "number", "value_type": "int", "min": 1}
    assert laureate["partners"]["widget"] == "list" and laureate["partners"]["field"]["widget"] == "string"
    assert laureate["draft"] == {**laureate["draft"], "widget": "boolean", "default": False, "label": "Brouillon"}
    assert laureate["website"]["pattern"][0] == PATTERNS["url"][0]
    edition = fields_of(editor_config(site, None), "editions")
    assert edition["call_opens"] == {**edition["call_opens"], "widget": "datetime", "format": "YYYY-MM-DD",
                                     "time_format": False}
    assert edition["number"]["value_type"] == "int"
    territory = fields_of(editor_config(site, None), "reglages", "territory")
    assert territory["outlines"]["widget"] == "file"
    quartier = {f["name"]: f for f in territory["contrats_de_ville"]["fields"][3]["fields"]}
    assert quartier["coordinates"] == {**quartier["coordinates"], "widget": "list", "min": 2, "max": 2}
    contact = {f["name"]: f for f in territory["contrats_de_ville"]["fields"][2]["fields"]}
    assert contact["role"]["required"] is False  # Decap would demand it even when the optional contact is absent


def test_the_choices_offer_what_exists_as_label_and_value_objects(site: Site) -> None:
    laureate = fields_of(editor_config(site, None), "laureates")
    assert laureate["edition"]["widget"] == "select"
    assert laureate["edition"]["options"] == [{"label": "2022", "value": 2022}, {"label": "2021", "value": 2021}]
    quartiers = laureate["quartiers"]
    assert quartiers["multiple"] is True and quartiers["min"] == 1
    labels = {o["value"]: o["label"] for o in quartiers["options"]}
    assert labels["les-tilleuls"] == "Contrat de ville Nord — Les Tilleuls"
    assert labels["la-gare"] == "Contrat de ville Nord — La Gare (ancien)"
    assert set(labels) == set(site.quartiers)
    assert {o["value"] for o in laureate["themes"]["options"]} == set(site.themes)
    assert all(isinstance(o, dict) for f in ("edition", "quartiers", "themes") for o in laureate[f]["options"])


def test_the_backends_blocks(site: Site) -> None:
    gitlab = EditorSettings("gitlab", "org/site", "main", "abc", None, None)
    assert editor_config(site, gitlab)["backend"] == {"name": "gitlab", "repo": "org/site", "branch": "main",
                                                      "auth_type": "pkce", "app_id": "abc"}
    github = EditorSettings("github", "org/site", "prod", None, None, "https://auth.exemple.fr/relais/auth")
    assert editor_config(site, github)["backend"] == {"name": "github", "repo": "org/site", "branch": "prod",
                                                      "base_url": "https://auth.exemple.fr",
                                                      "auth_endpoint": "relais/auth"}


def test_every_kind_has_a_form_and_an_unknown_one_does_not_break_the_editor(site: Site) -> None:
    from vitrine.content.kinds import KIND_LABELS
    missing = set(KIND_LABELS) - FORMS
    assert not missing, (f"field kinds without a form in the web editor: {sorted(missing)} — say how they are "
                         "edited in vitrine/outputs/editor_config.py (widget) and add them to FORMS")
    for kind in FORMS:
        schema = S.QUARTIER if kind in ("list", "mapping") else None
        assert widget(S.Field("x", kind, "X", schema=schema), site)["widget"] != "string" or kind in PATTERNS or \
            kind == "text"
    assert widget(S.Field("palette", "palette", "Palette"), site) == {"widget": "string"}  # a kind with no form yet


SAMPLES = {
    "slug": ["noyer-renard", "a1", "Noyer", "a--b", "-a", "é", ""],
    "url": ["https://www.exemple.fr", "http://a.b/c?d=e", "https://exemple", "ftp://a.b", "https://a.b/\"x",
            "https://a b.fr", "https://a.b/é"],
    "email": ["prenom.nom@exemple.fr", "a@b", "a b@c.fr", "a@b.c\"", "<a@b.c>", "a@b.c"],
}


@pytest.mark.skipif(not shutil.which("node"), reason="Node.js checks the patterns as a browser reads them")
def test_the_patterns_accept_in_javascript_what_validation_accepts_in_python() -> None:
    from vitrine.content import kinds
    from vitrine.content.slugs import SLUG_RE
    python = {"slug": SLUG_RE, "url": kinds.URL_RE, "email": kinds.EMAIL_RE}
    script = ("const [patterns, samples] = JSON.parse(process.argv[1]); const out = {};"
              "for (const k in samples) out[k] = samples[k].map(s => [new RegExp(patterns[k]).test(s),"
              " new RegExp(patterns[k], 'u').test(s)]);"
              "console.log(JSON.stringify(out));")
    patterns = {k: PATTERNS[k][0] for k in SAMPLES}
    done = subprocess.run(["node", "-e", script, json.dumps([patterns, SAMPLES])], capture_output=True, text=True,
                          check=True)
    answers = json.loads(done.stdout)
    for kind, samples in SAMPLES.items():
        for sample, (plain, unicode) in zip(samples, answers[kind]):
            expected = bool(python[kind].match(sample))
            assert plain == unicode == expected, (kind, sample)


def test_a_field_added_to_the_schema_reaches_form_validation_docs_and_table_schema(site: Site) -> None:
    added = S.Field("contact_name", "text", "Nom de la personne à contacter pour le projet", required=True,
                    example="Marie Dupont")
    laureate = dataclasses.replace(S.LAUREATE, fields=S.LAUREATE.fields + (added,))
    folders = tuple((n, lbl, laureate if s is S.LAUREATE else s, slug) for n, lbl, s, slug in FOLDERS)
    form = fields_of(editor_config(site, None, folders=folders), "laureates")
    assert form["contact_name"]["required"] is True and form["contact_name"]["label"] == "Nom de la personne à contacter pour le projet"
    out = Collector(_Located())  # type: ignore[arg-type]
    data = {"title": "T", "porteur": "P", "edition": 2021, "quartiers": ["les-tilleuls"], "themes": ["culture"],
            "summary": "S"}
    assert check_fields(S.LAUREATE, data, (), out) is not None
    assert check_fields(laureate, data, (), out) is None
    assert any(e.field == "contact_name" and "obligatoire manquant" in e.message for e in out.errors)
    assert "| `contact_name` |" in field_table(laureate) and "`contact_name`" not in field_table(S.LAUREATE)
    column = next(c for c in table_schema(laureate)["fields"] if c["name"] == "contact_name")
    assert column["constraints"] == {"required": True}
    assert "contact_name" not in {c["name"] for c in table_schema()["fields"]}
    assert form_fields(laureate, site)[-1]["name"] == "contact_name"


class _Located:
    """A file as the collector locates its errors: every field on line 1."""

    path = "content/laureates/x.md"

    def line(self, *keys: object) -> int:
        return 1


def test_the_configuration_is_dumped_again_only_when_it_changed(site: Site, monkeypatch) -> None:
    """The preview makes the configuration at every save: the same one is dumped once (PyYAML: 60 ms at 4,000
    laureates), a changed one again, and the file says what the configuration says."""
    from vitrine.outputs import editor_config as module
    monkeypatch.setattr(module, "_DUMPED", {})
    dumped = []
    real = module.yaml.safe_dump
    monkeypatch.setattr(module.yaml, "safe_dump", lambda *args, **kwargs: dumped.append(1) or real(*args, **kwargs))
    config = editor_config(site, None)
    first = module.config_yaml(config)
    assert module.config_yaml(editor_config(site, None)) == first and len(dumped) == 1
    changed = json.loads(json.dumps(config))
    changed["collections"][0]["label"] = "Lauréats renommés"
    assert "Lauréats renommés" in module.config_yaml(changed).decode() and len(dumped) == 2
    assert module.config_yaml(config) == first and len(dumped) == 3
