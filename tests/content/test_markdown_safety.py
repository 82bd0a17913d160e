"""Issue 13: what a Markdown body may hold — bounded nesting, live internal links, images from the site itself,
anchors that leave the templates' ids alone — and open data that publish what the site publishes."""

from __future__ import annotations

import json
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import nh3
import pyromark
import pytest

from conftest import REPO, TODAY, build_in_process, write
from vitrine.content import bodies
from vitrine.options import BuildOptions
from vitrine.pipeline import build
from vitrine.speed.state import BuildState
from vitrine.site.markup import markdown_to_html
from vitrine.site.published_text import published_markdown

LAUREATE = "content/laureates/atelier-code.md"


def append(root: Path, path: str, text: str) -> int:
    """Append ``text`` to a file; the line number its first line gets."""
    file = root / path
    before = file.read_text("utf-8")
    if not before.endswith("\n"):
        before += "\n"
    file.write_text(before + text, "utf-8")
    return before.count("\n") + 1


def errors(report) -> str:
    return "\n".join(map(str, report.errors))


# 1. Nesting ------------------------------------------------------------------------------------------------------

DEEP = {  # each builds a body nested n levels deep
    "quotes": lambda n: ">" * n + " x",
    "lists": lambda n: "- " * n + "x",
    "indented lists": lambda n: "\n".join("  " * i + "- x" for i in range(60)) + "\n\ntexte" * n,
    "raw divs": lambda n: "<div>" * n + "x",
    "raw lists": lambda n: "<ul><li>" * n + "x",
    "closed by the wrong tag": lambda n: "<span><div></span>" * n,
    "reopened formatting": lambda n: "".join(f'<p><b title="{i}"></p>' for i in range(n)) + "<p>x",
    "emphasis": lambda n: "**" * n + "x" + "**" * n,
    "mixed emphasis": lambda n: "*a _b " * n + "x" + " c_ d*" * n,
}


def test_deeply_nested_quotes_are_refused_at_their_line_in_build_and_check(repo: Path, cli) -> None:
    line = append(repo, LAUREATE, "\nUn paragraphe.\n\n" + ">" * 100_000 + " x\n")
    build = cli(repo, "--date", TODAY.isoformat())
    assert build.returncode == 1
    assert f"{LAUREATE}:{line + 3}: texte: mise en forme trop complexe" in build.stderr
    assert "simplifiez" in build.stderr and not (repo / "site").exists()
    check = cli(repo, "check", "--date", TODAY.isoformat())
    assert check.returncode == 1 and f"{LAUREATE}:{line + 3}: texte: mise en forme trop complexe" in check.stderr


def test_the_preview_refuses_a_deep_body_without_converting_it(repo: Path) -> None:
    append(repo, "content/pages/le-label.md", "\n" + "<div>" * 50_000 + "\n")
    options = BuildOptions(root=repo, out=repo / ".vitrine-cache" / "preview", today=TODAY, drafts=True)
    report = build(options, BuildState.open(options))
    assert "content/pages/le-label.md" in errors(report) and "trop complexe" in errors(report)
    assert report.conversions == 0  # the sanitizer never received it


@pytest.mark.parametrize("make", DEEP.values(), ids=DEEP.keys())
def test_a_refused_body_costs_the_same_bounded_work_whatever_its_size(make) -> None:
    work = []
    for n in (5_000, 20_000):
        found = bodies.scan("Début.\n\n" + make(n))
        assert found.problems and "trop complexe" in found.problems[0].message
        work.append(found.steps)
    assert work[0] == work[1] <= 4 * bodies.MAX_NESTING


def test_an_accepted_body_costs_work_in_proportion_to_its_size() -> None:
    chunk = "> " * 10 + "- " * 10 + "**[lien](/candidater/)** <abbr title=\"x\">x</abbr>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    small, large = bodies.scan(chunk * 400), bodies.scan(chunk * 800)
    assert not small.problems and not large.problems
    assert large.steps == 2 * small.steps  # one step per event or tag: linear, however large


def test_what_the_sanitizer_receives_is_never_deeper_than_the_bound() -> None:
    """Random tag soups the scan accepts: the tree the HTML parser builds (before allowlisting) stays within the
    bound, however tags are misnested, left open or closed by others."""
    names = ["p", "b", "i", "div", "span", "li", "ul", "a", "em", "table", "td", "tr", "blockquote", "dt", "dd",
             "h2", "code", "s", "font", "figure"]
    deepest = 0
    rnd = random.Random(13)
    for _ in range(400):
        soup = "".join(f"</{rnd.choice(names)}>" if r < 0.35 else f'<{rnd.choice(names)} title="{rnd.randint(0, 9)}">'
                       if r < 0.9 else "x" for r in (rnd.random() for _ in range(rnd.randint(1, 300))))
        if bodies.scan(soup).problems:
            continue
        tree = _Depth()
        received = pyromark.html(soup, options=bodies.OPTIONS)  # what the sanitizer is given
        tree.feed(nh3.clean(received, tags=set(names) | {"tbody"}, attributes={"*": {"title"}}))
        deepest = max(deepest, tree.deepest)
    assert 10 < deepest <= bodies.MAX_NESTING + 2  # html and body around the fragment


class _Depth(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = self.deepest = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.depth += 1
        self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag: str) -> None:
        self.depth -= 1


def test_a_raw_heading_the_converter_cannot_pair_leaves_the_next_heading_its_anchor() -> None:
    """Each heading's content stops at the next heading tag: from a raw ``<h2>`` whose end tag is written
    ``</h2 >``, the anchor pattern used to scan the rest of the body (quadratic: 10,000 such lines took 27 s) and
    gave the next heading's anchor to this one."""
    assert markdown_to_html("<h2>a</h2 >\n\n## b") == '<h2>a</h2>\n<h2 id="b">b</h2>'
    many = markdown_to_html("<h2>x</h2 >\n" * 2000 + "\n## Fin")
    assert many.count("<h2>x</h2>") == 2000 and many.endswith('<h2 id="fin">Fin</h2>')


def test_french_typography_of_a_long_paragraph_reads_it_once() -> None:
    """The typography skipped tags by looking ahead, from each colon, for the next « < » or « > »: the rest of
    the paragraph each time (80 kB of « a : » took 20 s; this body, hours)."""
    html = markdown_to_html("Un mot : " * 50_000 + "<em>fin</em> : « oui »")
    assert html.count("mot\u00a0:") == 50_000 and html.endswith("<em>fin</em>\u00a0: «\u00a0oui\u00a0»</p>")


def test_a_heading_with_a_long_run_of_spaces_is_read_once_for_its_chosen_anchor() -> None:
    """The chosen anchor was searched from every position of the heading: a run of spaces cost its square (100,000
    spaces: 20 s; a 1 MB heading: half an hour). It is looked for from the last « { » now, with the same result."""
    body = "## Un titre" + " " * 300_000 + "suite {x\n\n## Contacts {: #nous-joindre }\n"
    assert not bodies.scan(body).problems
    html = markdown_to_html(body)
    assert 'id="un-titre-suite-x"' in html and '<h2 id="nous-joindre">Contacts</h2>' in html


def test_check_reads_a_long_confirm_marker_once(repo: Path, cli) -> None:
    """« À confirmer » notes in a body were matched with a pattern that cost the square of a run of spaces."""
    line = append(repo, LAUREATE, "\n<!-- À confirmer : la date" + " " * 200_000 + "-->\n")
    result = cli(repo, "check", "--date", TODAY.isoformat())
    assert result.returncode == 0 and f"à confirmer : {LAUREATE}:{line + 1}: texte: la date" in result.stdout


# Bodies whose tags never end: every pattern that reads a tag or a heading stops at the next « < », so each is read
# in one pass (each took minutes to hours at this size: a quoted value or a tag read to the end from each « < »).
UNFINISHED = {
    "unfinished quoted values": "<div>\n" + '<a title="x\n' * 30_000,
    "unfinished tags": "<div>\n" + "<h2 </h2 " * 30_000,
    "a heading of « < »": "<h2>" + "<" * 100_000 + "</h2>",
    "a heading of unfinished tags": "<h2>" + "<a" * 60_000 + "</h2>",
    "unfinished comment": "<!--" * 50_000,
}


@pytest.mark.parametrize("body", UNFINISHED.values(), ids=UNFINISHED.keys())
def test_bodies_of_unfinished_tags_are_read_in_one_pass(repo: Path, body: str) -> None:
    append(repo, LAUREATE, "\n" + body + "\n")
    report = build_in_process(repo, search=False)
    assert report.ok or all("trop complexe" in e.message for e in report.errors)
    assert "<a title" not in published_markdown(body)


def test_real_text_is_far_from_the_bound(shipped_repo: Path) -> None:
    assert build_in_process(shipped_repo, search=False).ok


# 2. Dead links ---------------------------------------------------------------------------------------------------

def test_a_link_to_a_missing_laureate_page_or_media_is_an_error_with_a_suggestion(repo: Path, cli) -> None:
    write(repo / "content/media/plaquette.pdf", "%PDF-1.4\n")
    line = append(repo, LAUREATE, "\nVoir [l'autre](/laureats/radio-quartie/), [la page](/candidatr/),\n"
                                  "[la plaquette](/media/plaquete.pdf) et [la bonne](/media/plaquette.pdf).\n")
    for command in (("build",), ("check",)):
        result = cli(repo, *command, "--date", TODAY.isoformat())
        assert result.returncode == 1
        assert (f"{LAUREATE}:{line + 1}: texte: lien mort « /laureats/radio-quartie/ » : aucune page ni aucun "
                "fichier du site à cette adresse — vouliez-vous dire « /laureats/radio-quartier/ » ?") in result.stderr
        assert f"{LAUREATE}:{line + 1}: texte: lien mort « /candidatr/ »" in result.stderr
        assert "vouliez-vous dire « /candidater/ » ?" in result.stderr
        assert f"{LAUREATE}:{line + 2}: texte: lien mort « /media/plaquete.pdf »" in result.stderr
        assert "« /media/plaquette.pdf » :" not in result.stderr
    assert not (repo / "site").exists()


def test_every_way_editors_write_a_link_to_the_site_is_resolved(repo: Path) -> None:
    write(repo / "content/media/plaquette.pdf", "%PDF-1.4\n")
    append(repo, LAUREATE, "\n[a](/candidater/) [b](/candidater) [c](media/plaquette.pdf) [d](/laureats/#x)\n"
                           "[e](https://exemple.test/label/editions/2021/) [f](../radio-quartier/) [g](#objectifs)\n"
                           "[h](https://ailleurs.example/absent/) [i](mailto:a@exemple.test) [j][ref] "
                           '<a href="/feed.xml">k</a> [l](/donnees/laureats.csv)\n\n[ref]: /le-label/\n')
    report = build_in_process(repo)
    assert report.ok, errors(report)


def test_raw_html_links_and_the_fields_that_may_point_into_the_site_are_checked_too(repo: Path) -> None:
    line = append(repo, "content/pages/le-label.md", '\n<p><a href="/laureats/absent/">x</a></p>\n')
    source = repo / LAUREATE
    source.write_text(source.read_text("utf-8").replace("https://alpha.exemple.test/",
                                                        "https://exemple.test/label/laureats/disparu/"), "utf-8")
    site_yaml = repo / "content/site.yaml"
    site_yaml.write_text(site_yaml.read_text("utf-8") + "licence_url: https://exemple.test/label/licence/\n", "utf-8")
    report = build_in_process(repo)
    licence = site_yaml.read_text("utf-8").count("\n")
    assert f"content/site.yaml:{licence}: licence_url: lien mort « https://exemple.test/label/licence/ »" in errors(report)
    assert f"content/pages/le-label.md:{line + 1}: texte: lien mort « /laureats/absent/ »" in errors(report)
    assert f"{LAUREATE}:8: website: lien mort « https://exemple.test/label/laureats/disparu/ »" in errors(report)


def test_removing_a_laureate_reports_the_links_to_it_in_other_files(repo: Path) -> None:
    line = append(repo, "content/pages/le-label.md", "\nVoir [la radio](/laureats/radio-quartier/).\n")
    assert build_in_process(repo).ok
    (repo / "content/laureates/radio-quartier.md").unlink()
    report = build_in_process(repo)
    assert f"content/pages/le-label.md:{line + 1}: texte: lien mort « /laureats/radio-quartier/ »" in errors(report)


def test_an_edited_laureates_new_dead_link_is_caught_on_the_fast_path(repo: Path) -> None:
    options = BuildOptions(root=repo, out=repo / "site", today=TODAY)
    state = BuildState.open(options)
    assert build(options, state).ok
    append(repo, LAUREATE, "\nVoir [le label](/le-label/).\n")
    report = build(options, state)
    assert report.ok and report.reads == 1  # a live link keeps the fast path
    line = append(repo, LAUREATE, "\nVoir [l'ancien](/laureats/ancien/).\n")
    report = build(options, state)
    assert f"{LAUREATE}:{line + 1}: texte: lien mort « /laureats/ancien/ »" in errors(report)
    # and from the command line, whose fast path starts from the snapshot kept in .vitrine-cache/
    (repo / LAUREATE).write_text((repo / LAUREATE).read_text("utf-8").replace("/laureats/ancien/", "/le-label/"))
    assert build_in_process(repo).ok
    (repo / LAUREATE).write_text((repo / LAUREATE).read_text("utf-8").replace("](/le-label/)", "](/le-labl/)", 1))
    report = build_in_process(repo)
    assert "lien mort « /le-labl/ »" in errors(report) and "vouliez-vous dire « /le-label/ » ?" in errors(report)


# 3. Images from other origins ------------------------------------------------------------------------------------

def test_images_from_another_origin_are_refused_with_a_french_message(repo: Path, cli) -> None:
    line = append(repo, LAUREATE, '\n![Une photo](https://ailleurs.example/a.png)\n\n<img src="//cdn.example/b.png" '
                                  'alt="b">\n')
    result = cli(repo, "check", "--date", TODAY.isoformat())
    assert result.returncode == 1
    for at, url in ((line + 1, "https://ailleurs.example/a.png"), (line + 3, "//cdn.example/b.png")):
        assert (f"{LAUREATE}:{at}: texte: image d'un autre site « {url} » : le site ne charge rien d'ailleurs, elle "
                "ne s'afficherait pas — enregistrez l'image dans content/media/") in result.stderr



def test_a_character_reference_to_a_control_character_is_refused_at_its_line(repo: Path, cli) -> None:
    # Typed as such, a control character is refused when the file is read; as a reference, the converter would
    # decode it into the page. In a code span, it is shown as text: no problem there
    append(repo, LAUREATE, "\nLa référence `&#x1F;` montrée.\n")
    assert cli(repo, "build", "--date", TODAY.isoformat()).returncode == 0
    line = append(repo, LAUREATE, "\nUn &#x1C; caché.\n\nPuis &#31;.\n")
    result = cli(repo, "build", "--date", TODAY.isoformat())
    assert result.returncode == 1
    for at, reference in ((line + 1, "&#x1C;"), (line + 3, "&#31;")):
        assert (f"{LAUREATE}:{at}: texte: « {reference} » est un caractère invisible, qu'aucune page ne peut le "
                f"contenir — supprimez « {reference} »") in result.stderr
    assert "&#x1C;" not in (repo / "site" / "laureats" / "atelier-code" / "index.html").read_text("utf-8")

# 4. Ids ----------------------------------------------------------------------------------------------------------

def test_an_anchor_the_templates_use_is_refused(repo: Path) -> None:
    line = append(repo, LAUREATE, '\n## Le contenu {: #contenu }\n\n<h3 id="voisins-titre">Voisins</h3>\n')
    report = build_in_process(repo)
    assert f"{LAUREATE}:{line + 1}: texte: ancre « #contenu » réservée" in errors(report)
    assert f"{LAUREATE}:{line + 3}: texte: ancre « #voisins-titre » réservée" in errors(report)


def test_headings_named_like_the_templates_ids_keep_every_id_unique(repo: Path) -> None:
    append(repo, LAUREATE, '\n## Contenu\n\n# Titre\n\n<h3 id="objectifs-bis">A</h3>\n\n## Objectifs bis\n\n'
                           "## Voisins titre\n")
    assert build_in_process(repo).ok
    page = (repo / "site/laureats/atelier-code/index.html").read_text("utf-8")
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), ids
    assert ids.count("contenu") == 1 and 'href="#contenu"' in page and 'aria-labelledby="voisins-titre"' in page


def test_every_id_the_templates_write_is_reserved() -> None:
    for template in (REPO / "templates").rglob("*.html"):
        for anchor in re.findall(r'\bid="([^"]+)"', template.read_text("utf-8")):
            literal = anchor.split("{{")[0]
            assert (bodies.is_template_id(anchor) if "{{" not in anchor
                    else literal and bodies.is_template_id(literal)
                    or anchor.startswith("{{ prefix }}")), (template.name, anchor)
    for prefix in ("recherche", "filtre"):  # the filters' prefixes (search.html, laureates.html)
        assert bodies.is_template_id(f"{prefix}-quartier")


# 5. Open data ----------------------------------------------------------------------------------------------------

def test_open_data_export_bodies_without_what_the_site_removes(repo: Path) -> None:
    append(repo, LAUREATE, '\nAvant <span onclick="alert(1)">le texte</span> <abbr title="Quartier">QPV</abbr>.\n\n'
                           "<!-- note interne : ne pas publier -->\n\n<script>alert(1)</script>\n\n"
                           '<div style="color:red">bloc</div>\n\nAprès `<b>code</b>` et a < b.\n')
    assert build_in_process(repo).ok
    page = (repo / "site/laureats/atelier-code/index.html").read_text("utf-8")
    rows = {row["slug"]: row for row in json.loads((repo / "site/donnees/laureats.json").read_text("utf-8"))}
    body = rows["atelier-code"]["description"]
    csv = (repo / "site/donnees/laureats.csv").read_text("utf-8")
    for removed in ("note interne", "alert(1)", "onclick", "style=", "<script", "<div"):
        assert removed not in page.split("<main")[1].split("</main>")[0] or removed == "<div"
        assert removed not in body and removed not in csv, removed
    for kept in ("Avant", "le texte", '<abbr title="Quartier">QPV</abbr>', "bloc", "`<b>code</b>`", "a < b",
                 "Le projet **Atelier code** en détail."):
        assert kept in body, kept
