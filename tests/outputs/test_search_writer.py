"""Vitrine's own search bundle equals the one Pagefind 1.5.2 makes of the same pages: every file name, and every
decoded file (the compressed bytes may differ), so a visitor's search gets the same results, ranked the same."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, TODAY, build_in_process, make_repo, write
from pagefind_bundle import bundle_files, decoded_bundle, differences
from benchmarks.generate import generate
from vitrine.outputs import pagefind, search, search_reading
from vitrine.outputs.pagefind_assets import UNUSED_FILES
from vitrine.outputs.pagefind_words import page_words
from vitrine.outputs.pagefind_write import BundleWriter


def _built_and_fed(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Build ``root`` with its search index, and the pages (URL, HTML) its index was made of, in order."""
    fed: list[tuple[str, str]] = []
    read = search_reading.page_words  # in this process: a build without the speed layer renders here
    monkeypatch.setattr(search_reading, "page_words", lambda url, html: fed.append((url, html)) or read(url, html))
    assert build_in_process(root, use_cache=False).ok
    return fed


def _assert_same_as_pagefind(site: Path, fed: list[tuple[str, str]]) -> int:
    theirs = {name: data for name, data in pagefind.pagefind_bundle(fed).items() if not name.startswith(UNUSED_FILES)}
    ours = bundle_files(site / "pagefind")
    del ours[search.PAGES.removeprefix(search.BUNDLE + "/")]
    assert differences(decoded_bundle(theirs), decoded_bundle(ours)) == []
    return sum(name.startswith("fragment/") for name in ours)


def test_the_small_site_is_indexed_as_pagefind_would(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fed = _built_and_fed(repo, monkeypatch)
    assert _assert_same_as_pagefind(repo / "site", fed) == 9


def test_a_generated_site_is_indexed_as_pagefind_would(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = generate(60, tmp_path / "corpus", words=(40, 120))
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    fed = _built_and_fed(root, monkeypatch)
    assert _assert_same_as_pagefind(root / "site", fed) > 60


def test_the_shipped_site_is_indexed_as_pagefind_would(shipped_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fed = _built_and_fed(shipped_repo, monkeypatch)
    assert _assert_same_as_pagefind(shipped_repo / "site", fed) >= 6


# HTML that Vitrine's templates do not write today but a template or a Markdown body could: each read as Pagefind
# reads it (weights, ignored and excluded elements, metadata from attributes, filters, an image after the title,
# anchors, entities, diacritics, compound words, numbers, emoji, whitespace of every kind). One filter with one
# value: Pagefind writes filters and their values in hash-map order, which changes from one run to the next
# (Vitrine's templates use none; its writer keeps them in the order met).
ODD_PAGES = [
    '<html lang="fr"><head><title>T &amp; t</title></head><body><main data-pagefind-body>'
    '<h1 id="haut">Élan d’été&nbsp;: l\'ÉCOLE</h1><h2>Sous-titre  Café-crème</h2><p>Un <b>mot</b><br>coupé, '
    'WKWebView, page.Find, covid-19, 2e, l’été, 10&nbsp;000&#8239;€ — «&nbsp;guillemets&nbsp;» 👋 cloud🌦️cannon</p>'
    '<div data-pagefind-weight="3"><p>lourd <span id="a b">ancre <em>dedans</em></span></p></div>'
    '<p data-pagefind-weight="0.5">léger</p><p data-pagefind-ignore>caché</p>'
    '<section data-pagefind-ignore="all"><p data-pagefind-meta="secret">exclu</p></section>'
    '<p data-pagefind-meta="resume">Un résumé, ici.</p><img src="/a.jpg" alt="Une image">'
    '<span data-pagefind-filter="theme">Culture</span>'
    '<nav>menu</nav><footer>pied</footer><script>var x = "<p>";</script><style>p{}</style>'
    '<ul><li>un</li><li>deux?</li></ul><table><tr><td>cellule</td><td>autre</td></tr></table>'
    '<p data-pagefind-index-attrs="title" title="Titre attribut">attr</p></main><aside>hors</aside></body></html>',
    '<html lang="fr"><head><title>Deux</title></head><body><div data-pagefind-body>'
    '<img data-pagefind-meta="image[src], image_alt[alt]" src="/b.jpg" alt="B">'
    '<p>Été, ete, ÉTÉ et café cafe. Élan élan</p><h3>Troisième</h3><h6>six</h6>'
    '<p data-pagefind-meta="resume">Résumé café</p><p data-pagefind-default-meta="auteur:Anne">x</p></div>'
    '</body></html>',
    '<html lang="fr"><head><title>Sans corps</title></head><body><p>Ignorée : pas de data-pagefind-body</p>'
    '</body></html>',
    # what the reading by runs of words between markers must split as Pagefind does: tabs, line breaks, zero-width
    # spaces, words that only look like markers, a word at several weights
    '<html lang="fr"><head><title>Séparateurs</title></head><body><main data-pagefind-body><h1>Été haut</h1>'
    '<p>un deux\ttrois\n\nquatre cinq\tsix\u200b \u200b\u200b sept\u200bhuit ___faux '
    'x___PAGEFIND_WEIGHT___2 ___PAGEFIND_autre été haut Été</p><h2>haut été</h2><p>fin  \xa0 haut</p></main>'
    '</body></html>',
    # what the reader takes at once (an element holding text alone, one with attributes Pagefind does not read)
    # beside what it takes tag by tag (an id, a weight, upper case, an anchor's inline elements)
    '<html lang="fr"><head><title>Feuilles</title></head><body><main data-pagefind-body>'
    '<h2 class="x">Titre deux</h2><p class="a" title="t">Un <strong>mot</strong> <em class="e">fort</em></p>'
    '<ul><li>un</li><li class="b">deux)</li></ul><dl><dt>terme</dt><dd><a href="/x/">lien</a></dd></dl>'
    '<p><span id="s1">ancre <b>gras</b> <i class="c">penché</i></span> suite</p><P>Majuscule</P>'
    '<h3 data-pagefind-weight="2">pesé</h3><div class="d"><p>dedans</p></div><td>case</td></main></body></html>',
    # one word at many weights and forms: the default, a heading's, 0 and 25 (1.05 × 24), which Pagefind sorts as
    # one, in the metadata too (``pagefind_locations._locs`` takes the locations a weight at a time)
    '<html lang="fr"><head><title>Poids pivot</title></head><body><main data-pagefind-body><p>clé pivot pivôt</p>'
    '<p data-pagefind-weight="0">pivot nul clé</p><p data-pagefind-weight="1.05">pivot vingt-cinq clé pivôt</p>'
    '<p>pivot <span data-pagefind-weight="0">pivot</span> fin <span data-pagefind-weight="1.05">pivot</span></p>'
    '<h2>pivot clé</h2><p data-pagefind-meta="resume">pivot clé pivôt</p><p>pivot</p></main></body></html>',
]


def test_odd_html_is_read_as_pagefind_reads_it() -> None:
    pages = [(f"/page-{i}/", html) for i, html in enumerate(ODD_PAGES)]
    writer = BundleWriter()
    for url, html in pages:
        writer.add(page_words(url, html))
    theirs = {name: data for name, data in pagefind.pagefind_bundle(pages).items()
              if not name.endswith((".js", ".css", ".pagefind"))}
    assert differences(decoded_bundle(theirs), decoded_bundle(writer.files())) == []


# The last character of a block that Pagefind's ``[\w'")$*]`` (Rust's Unicode ``\w``: letters, marks, decimal
# digits, connectors, joiners) reads as a word's end, where ``str.isalnum`` does not, or the other way round: an
# emoji's variation selector (« Merci ❤️ »), a keycap, a decomposed accent (« café » typed as e + U+0301), a circled
# letter; a superscript digit. And the letters Rust's ``is_alphanumeric`` holds but ``str.isalnum`` does not
# (Unicode's Other_Alphabetic: circled letters, the vowel signs of Indic scripts, Arabic's short vowels), kept in
# their words; a word of marks alone. A compound word's parts split between graphemes, at letters that have a case
# (« b𝐵 », a mathematical capital, is one part) and ASCII digits (« a௭ », a Tamil digit, too), a mark kept with its
# letter (« ÉÉࣝß », « a1ܲ »). (Before, each gave an index other than Pagefind's.)
UNICODE_WORD_ENDS = ["Merci à tous ❤️", "Numéro 1️⃣", "Un café\u0301", "Lettre ⓐ", "Au carré x²", "Lien a‿",
                     "Deux ⓐb c", "नमस्ते दुनिया", "مَرْحَبًا بِكُمْ", "Bloc 🅰b", "ܲ seul", "b𝐵 a௭ ÉÉࣝß a1ܲ ca1𑧚"]


def _differences_from_pagefind(url: str, title: str, body: str) -> list:
    """What differs between our bundle of one page whose body is ``body`` and Pagefind's own, decoded."""
    pages = [(url, f'<html lang="fr"><head><title>{title}</title></head><body><main data-pagefind-body>'
                   f'{body}</main></body></html>')]
    writer = BundleWriter()
    writer.add(page_words(*pages[0]))
    theirs = {name: data for name, data in pagefind.pagefind_bundle(pages).items()
              if not name.endswith((".js", ".css", ".pagefind"))}
    return differences(decoded_bundle(theirs), decoded_bundle(writer.files()))


def test_unicode_word_ends_and_letters_are_read_as_pagefind_reads_them() -> None:
    body = "".join(f"<p>{text}</p>" for text in UNICODE_WORD_ENDS)
    attribute = '<p data-pagefind-index-attrs="title" title="Bravo ❤️">attribut</p>'
    assert _differences_from_pagefind("/unicode/", "Unicode", body + attribute) == []


# Symbols of the emoji blocks that are no emoji (« ★ », « ♪ », « ⌘ », « ⏔ », « 🎕 », « 🢜 »: Pagefind drops them, or keeps
# them in their word), beside emoji of every shape: text style, with a variation selector, a skin tone, a hair style
# after a joiner, a flag and a lone regional indicator, keycaps, a tag sequence, « Ⓜ️ ».
EMOJI_OR_NOT = ["Note ★★★ ♪ ♫ ⌘ ⏔ ☆", "🎕 seul", "a🢜b", "a★b", "☺ ☺️ ✔ ✔️ © ™ ⭐ ❤️‍🔥 🫶🏽 👋🏽 🏻 🦰",
                "👨‍🦰 👩‍💻 🏳️‍🌈 🏴‍☠️ 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
                "🇫🇷 🇫 1️⃣ #️⃣ Ⓜ️ Ⓜ x🎉y ⌚⌛"]


def test_symbols_are_emoji_where_pagefind_finds_emoji() -> None:
    body = "".join(f"<p>{text}</p>" for text in EMOJI_OR_NOT)
    assert _differences_from_pagefind("/emoji/", "Emoji", body) == []


def _add_a_sentence(*roots: Path) -> None:
    for root in roots:
        laureate = root / "content" / "laureates" / "emploi-jeunes.md"
        laureate.write_text(laureate.read_text("utf-8") + "\nUn atelier de zythologie.\n", "utf-8")


def _pages_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs of the pages read for the index from now on (their HTML, not their kept words), in order."""
    read: list[str] = []
    words = search_reading.page_words
    monkeypatch.setattr(search_reading, "page_words", lambda url, html: read.append(url) or words(url, html))
    return read


def test_an_edit_reads_only_the_edited_page_and_makes_the_bundle_of_a_cold_build(tmp_path: Path,
                                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    edited, cold = make_repo(tmp_path / "edited"), make_repo(tmp_path / "cold")
    assert build_in_process(edited).ok
    _add_a_sentence(edited, cold)
    read = _pages_read(monkeypatch)
    assert build_in_process(edited).ok
    assert read == ["/laureats/emploi-jeunes/"]  # the others' words as the first build read them
    monkeypatch.undo()
    assert build_in_process(cold, use_cache=False).ok
    assert bundle_files(edited / "site" / "pagefind") == bundle_files(cold / "site" / "pagefind")
    kept = sorted((edited / ".vitrine-cache" / "pagefind-words").iterdir())
    assert len(kept) == 9  # the old page's words pruned

    for damaged in kept:  # each page's words then read again from the page, not taken from these
        damaged.write_bytes(damaged.read_bytes()[:-10])
    laureate = edited / "content" / "laureates" / "emploi-jeunes.md"
    laureate.write_text(laureate.read_text("utf-8").replace("zythologie", "zythologie ancienne"), "utf-8")
    laureate = cold / "content" / "laureates" / "emploi-jeunes.md"
    laureate.write_text(laureate.read_text("utf-8").replace("zythologie", "zythologie ancienne"), "utf-8")
    assert build_in_process(edited).ok and build_in_process(cold, use_cache=False).ok
    assert bundle_files(edited / "site" / "pagefind") == bundle_files(cold / "site" / "pagefind")


def test_a_deploy_job_without_site_reads_only_the_edited_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As the deploy workflows build: no ``site/``, the last build's ``.vitrine-cache/`` restored. Every page is
    rendered, but only the edited one is read for the index (before, every searchable page was read again, as cold);
    the others' kept words stay kept, and the bundle is a cold build's."""
    deployed, cold = make_repo(tmp_path / "deployed"), make_repo(tmp_path / "cold")
    assert build_in_process(deployed).ok
    shutil.rmtree(deployed / "site")
    _add_a_sentence(deployed, cold)
    read = _pages_read(monkeypatch)
    report = build_in_process(deployed)
    assert report.ok and report.rendered == report.pages
    assert read == ["/laureats/emploi-jeunes/"]
    monkeypatch.undo()
    assert build_in_process(cold, use_cache=False).ok
    assert bundle_files(deployed / "site" / "pagefind") == bundle_files(cold / "site" / "pagefind")
    assert len(list((deployed / ".vitrine-cache" / "pagefind-words").iterdir())) == 9  # none pruned but the old


def test_another_pagefind_version_is_refused_in_french(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundle is written in 1.5.2's format: another version's script could not read it."""
    monkeypatch.setattr(pagefind, "pagefind_version", lambda: "1.4.0")
    report = build_in_process(repo, use_cache=False)
    assert not report.ok and not (repo / "site").exists()
    assert str(report.errors[0]) == ("pagefind:1: recherche: Vitrine écrit l'index de recherche au format de Pagefind "
                                     "1.5.2, mais la version installée est 1.4.0 : installez-la avec « pip install "
                                     "'pagefind[bin]==1.5.2' ».")


def test_an_editors_markers_flags_and_keycaps_are_indexed_as_pagefind_would(repo: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind's private markers typed in a body (a weight it cannot read as a number: « nan », « 1_0 ») or a
    porteur (the end of a weight never started: the headings after it weigh nothing in Pagefind's index), flags and
    keycaps (one emoji each, as Pagefind finds them), a 10,000-letter word: the build succeeds and the index is
    Pagefind's (before, « nan » stopped the build with an internal error, 🇫🇷 was indexed as 🇫 and 🇷 and the
    headings after the porteur kept their weight)."""
    laureate = repo / "content" / "laureates" / "emploi-jeunes.md"
    text = laureate.read_text("utf-8").replace("porteur: Mission Epsilon", "porteur: Mission ___END_PAGEFIND_WEIGHT___")
    laureate.write_text(text + (  # after the body's heading: its weight is the porteur's marker's doing
        "\n\nEn fin. ___PAGEFIND_WEIGHT___nan lourd ___END_PAGEFIND_WEIGHT___ ___PAGEFIND_WEIGHT___1_0 x "
        "___END_PAGEFIND_WEIGHT___ ___PAGEFIND_AUTO_WEIGHT___NaN y ___END_PAGEFIND_WEIGHT___ "
        "___PAGEFIND_ANCHOR___h2:9:z 🇫🇷 France 🇫 1️⃣ #️⃣ 👩🏽‍💻 مرحبا " + "a" * 10_000 + "\n"), "utf-8")
    fed = _built_and_fed(repo, monkeypatch)
    assert _assert_same_as_pagefind(repo / "site", fed) == 9
    page = (repo / "site" / "laureats" / "emploi-jeunes" / "index.html").read_text("utf-8")
    assert "___PAGEFIND_WEIGHT___nan lourd" in page  # the editor's text published as written


# Takes a package away as Python does when it is not installed
NOT_INSTALLED = '''import sys
class Missing:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == {name!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Missing())
'''


@pytest.mark.parametrize(("package", "message"), [
    ("Stemmer", "PyStemmer est introuvable : l'index de recherche ne peut pas être construit. Installez-le avec "
                "« pip install PyStemmer==3.0.0 »."),
    ("pagefind", "Pagefind est introuvable : l'index de recherche ne peut pas être construit. Installez-le avec "
                 "« pip install 'pagefind[bin]==1.5.2' »."),
])
def test_a_missing_stemmer_or_pagefind_is_one_french_line_and_nothing_is_published(repo: Path, tmp_path: Path,
                                                                                   package: str, message: str) -> None:
    folder = tmp_path / "blocker"
    write(folder / "sitecustomize.py", NOT_INSTALLED.format(name=package))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(folder), str(REPO)]))
    run = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(repo), "build", "--date",
                          TODAY.isoformat(), "--no-catalogue"], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 1 and "Traceback" not in run.stdout + run.stderr
    assert run.stderr.splitlines()[0] == f"pagefind:1: recherche: {message}"
    assert not (repo / "site").exists()
