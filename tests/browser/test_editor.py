"""The web editor, for real: Decap CMS in Chromium, signed in to ``python build.py serve`` on a copy of the shipped
content, as a communications officer would use it — create a laureate with a photo through the form, edit one that
has notes, leave a required field empty, save a value the build refuses, and open and save every shipped file.
What is asserted is what lands in ``content/`` (the bytes, ``check``, the photo's metadata), what the preview shows
and what the editor says, in French. Every request of every page stays on the preview's own origin.

Screenshots of the editor at 1280 px go with the others (``test_screenshots.screenshot_dir``); the editors' guide
shows them (copied to ``docs/``).
"""

from __future__ import annotations

import io
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

import pytest
import yaml
from PIL import Image

from conftest import REPO, TODAY, run_cli
from photos import photo

from .test_screenshots import screenshot_dir

WIDTH, HEIGHT = 1280, 900
SHIPPED = sorted(p.relative_to(REPO / "content").as_posix() for p in (REPO / "content").rglob("*") if p.is_file())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def until(probe: Callable[[], object], what: str, timeout: float = 30) -> object:
    """Poll ``probe`` until it gives something truthy; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := probe():
            return result
        time.sleep(0.1)
    pytest.fail(f"still waiting after {timeout} s for: {what}")


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


class Preview:
    """``python build.py serve`` on ``root``, in a subprocess (its output in files: a full pipe would block it)."""

    def __init__(self, root: Path):
        self.root = root
        self.url = f"http://127.0.0.1:{free_port()}"
        self.err = root / "serve.err"
        with (root / "serve.out").open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(
                [sys.executable, str(REPO / "build.py"), "--root", str(root), "serve", "--port",
                 self.url.rpartition(":")[2], "--date", TODAY.isoformat()], stdout=out, stderr=err, cwd=root)
        until(lambda: fetch(self.url + "/admin/")[0] == 200 or self.process.poll() is not None, "the preview")
        assert self.process.poll() is None, self.err.read_text("utf-8")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    root = tmp_path_factory.mktemp("editor") / "repo"
    shutil.copytree(REPO / "content", root / "content")
    running = Preview(root)
    yield running
    running.close()
    assert "Traceback" not in running.err.read_text("utf-8")


@pytest.fixture
def editor(chromium, preview: Preview):
    """A page of the editor, signed in (« Se connecter »: the preview's sign-in asks for nothing); on leaving, every
    request it made was to the preview itself (no CDN, no font, no tracker)."""
    page = chromium.new_page(viewport={"width": WIDTH, "height": HEIGHT}, locale="fr-FR")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(preview.url + "/admin/")
    page.get_by_role("button", name="Se connecter", exact=True).click()
    page.get_by_role("link", name="Lauréats").first.wait_for()
    yield page
    page.close()
    elsewhere = [url for url in requests if not url.startswith((preview.url + "/", "blob:" + preview.url + "/",
                                                                "data:"))]
    assert requests and elsewhere == []


def saves(page) -> Callable:
    """A context manager catching the next save (``persistEntry``) the editor sends."""
    return page.expect_response(lambda r: r.url.endswith("/admin/api/v1") and
                                b'"persistEntry"' in (r.request.post_data_buffer or b""))


def publish(page) -> None:
    """« Publier » → « Publier maintenant », as an editor does."""
    page.get_by_role("button", name="Publier", exact=True).click()
    page.get_by_role("menuitem", name="Publier maintenant").click()


def open_entry(page, preview: Preview, collection: str, slug: str) -> None:
    """A fresh load of one entry's form (moving between entries in one page may show the previous one's fields)."""
    page.goto("about:blank")
    page.goto(f"{preview.url}/admin/#/collections/{collection}/entries/{slug}")
    page.locator("[id*='-field-']").first.wait_for()


def shot(page, name: str) -> None:
    folder = screenshot_dir()
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"editeur-{name}-{WIDTH}.png")


def choose(page, field: str, option: str) -> None:
    """Pick ``option`` in a choice list (react-select: open it, click the option)."""
    page.locator(f"input[id^='{field}-field-']").click(force=True)
    page.get_by_role("option", name=option, exact=True).click()


def offered(page, field: str) -> list[str]:
    page.locator(f"input[id^='{field}-field-']").click(force=True)
    options = page.get_by_role("option")
    options.first.wait_for()
    names = options.all_inner_texts()
    page.keyboard.press("Escape")
    return names


def has_gps(path: Path) -> bool:
    with Image.open(path) as image:
        exif = image.getexif()
        return bool(exif.get_ifd(0x8825)) or 0x010F in exif


def test_a_laureate_created_in_the_form_with_a_photo_is_in_content_passes_check_and_is_previewed(
        editor, preview: Preview, tmp_path: Path) -> None:
    root = preview.root
    shot(editor, "liste")
    editor.get_by_role("link", name="Lauréats").first.click()
    editor.get_by_role("link", name=re.compile("Lauréat$")).first.click()  # « ＋ Lauréat »
    editor.locator("input[id^='title-field-']").fill("L'atelier des Œillets")
    editor.locator("input[id^='porteur-field-']").fill("Association Fil à fil")

    # the lists offer what exists, nothing else
    territory = yaml.safe_load((root / "content/territory.yaml").read_text("utf-8"))
    themes = yaml.safe_load((root / "content/themes.yaml").read_text("utf-8"))["themes"]
    years = sorted((p.stem for p in (root / "content/editions").glob("*.md")), reverse=True)
    assert offered(editor, "edition") == years
    assert offered(editor, "quartiers") == [f"{c['name'].replace(chr(39), '’')} — {q['name']}"
                                            for c in territory["contrats_de_ville"] for q in c["quartiers"]]
    assert offered(editor, "themes") == [t["name"] for t in themes]
    choose(editor, "edition", "2019")
    choose(editor, "quartiers", "Contrat de ville d’Athis-Mons — Noyer Renard")
    choose(editor, "themes", "Culture")
    editor.locator("textarea[id^='summary-field-']").fill("Un atelier de couture ouvert à toutes et à tous.")

    # a phone photo, with its GPS position and camera
    (tmp_path / "atelier.jpg").write_bytes(photo((800, 600)))
    editor.get_by_role("button", name="Choisir une image").click()
    with editor.expect_file_chooser() as chooser:
        editor.get_by_text("Téléverser une nouvelle ressource").click()
    chooser.value.set_files(tmp_path / "atelier.jpg")
    editor.get_by_text("Choisir les éléments sélectionnés").click()
    editor.locator("input[id^='image_alt-field-']").fill("Des habitantes autour d'une machine à coudre")
    editor.locator("input[id^='image_credit-field-']").fill("© Camille Martin")

    # the body, typed as Markdown (the « Markdown » mode keeps it as typed)
    toolbar_toggle = editor.get_by_text("Texte enrichi", exact=True).locator("xpath=..")
    toolbar_toggle.get_by_role("switch").click()  # « Texte enrichi » → « Markdown »
    editor.locator("[data-slate-editor]").last.click()
    editor.keyboard.type("Un atelier **de couture**.\n\n## Horaires\n\nLe mardi et le jeudi.")
    editor.locator("input[id^='title-field-']").scroll_into_view_if_needed()
    shot(editor, "nouveau-laureat")

    # Decap names the file « latelier-des-oeillets », Vitrine's rule « l-atelier-des-oeillets »: refused, in French
    with saves(editor) as refused:
        publish(editor)
    assert refused.value.status == 422
    toast = editor.get_by_text(re.compile("^Échec de l'enregistrement de l'entrée"))
    toast.wait_for()
    assert ": title: " in toast.inner_text() and "apostrophe typographique ’" in toast.inner_text()
    assert sorted(p.name for p in (root / "content/laureates").iterdir()) == [
        "l-expo-bavarde.md", "plateforme-numerique-noyer-renard.md"]
    assert not (root / "content/media").exists()

    title = editor.locator("input[id^='title-field-']")
    title.click()
    title.press("Control+a")  # not ``fill``: the form's text boxes keep their own copy of the text
    editor.keyboard.type("L’atelier des Œillets")
    with saves(editor) as saved:
        publish(editor)
    assert saved.value.status == 200, saved.value.text()
    laureate = root / "content/laureates/l-atelier-des-oeillets.md"
    text = laureate.read_text("utf-8")
    front, body = text.split("\n---\n", 1)
    assert yaml.safe_load(front.removeprefix("---\n")) == {
        "title": "L’atelier des Œillets", "porteur": "Association Fil à fil", "edition": 2019,
        "quartiers": ["noyer-renard"], "themes": ["culture"],
        "summary": "Un atelier de couture ouvert à toutes et à tous.", "image": "media/atelier.jpg",
        "image_alt": "Des habitantes autour d'une machine à coudre", "image_credit": "© Camille Martin",
        "draft": False}
    assert "Un atelier **de couture**." in body and "## Horaires" in body
    assert not has_gps(root / "content/media/atelier.jpg")
    with Image.open(root / "content/media/atelier.jpg") as stored:
        assert (stored.format, stored.size) == ("JPEG", (800, 600))

    check = run_cli(root, "check", "--date", TODAY.isoformat())
    assert check.returncode == 0, check.stderr
    until(lambda: fetch(preview.url + "/laureats/l-atelier-des-oeillets/")[0] == 200, "the preview's rebuild")
    editor.goto(preview.url + "/laureats/l-atelier-des-oeillets/")
    assert editor.get_by_role("heading", level=1).inner_text() == "L’atelier des Œillets"


def test_a_laureates_notes_survive_an_edit_and_a_restore_gives_back_the_same_bytes(
        editor, preview: Preview) -> None:
    laureate = preview.root / "content/laureates/l-expo-bavarde.md"
    original = laureate.read_bytes()
    notes = yaml.safe_load(original.decode().split("\n---\n")[0].removeprefix("---\n"))["a_confirmer"]
    assert len(notes) == 2
    for suffix, back in ((" et ses amis", False), ("", True)):
        open_entry(editor, preview, "laureates", "l-expo-bavarde")
        porteur = editor.locator("input[id^='porteur-field-']")
        porteur.click()
        if back:
            porteur.press("End")
            for _ in " et ses amis":
                editor.keyboard.press("Backspace")
        else:
            porteur.press("End")
            editor.keyboard.type(suffix)
        with saves(editor) as saved:
            publish(editor)
        assert saved.value.status == 200
        data = yaml.safe_load(laureate.read_text("utf-8").split("\n---\n")[0].removeprefix("---\n"))
        assert data["a_confirmer"] == notes and data["porteur"] == "Cultures du Cœur 94" + suffix
    assert laureate.read_bytes() == original


def test_a_required_field_left_empty_is_named_in_french_and_nothing_is_written(editor, preview: Preview) -> None:
    before = sorted(p.name for p in (preview.root / "content/laureates").iterdir())
    editor.goto(preview.url + "/admin/#/collections/laureates/new")
    editor.locator("input[id^='porteur-field-']").fill("Association sans titre")
    sent: list[str] = []
    editor.on("request", lambda r: sent.append(r.post_data or "") if r.url.endswith("/admin/api/v1") else None)
    publish(editor)
    editor.get_by_text(re.compile("Le champ Nom du projet est requis", re.IGNORECASE)).wait_for()
    editor.get_by_text(re.compile("il manque un champ requis", re.IGNORECASE)).wait_for()
    assert not any('"persistEntry"' in body for body in sent)
    assert sorted(p.name for p in (preview.root / "content/laureates").iterdir()) == before


def test_a_value_the_form_accepts_and_the_build_refuses_is_shown_in_the_editor_and_not_written(
        editor, preview: Preview) -> None:
    laureate = preview.root / "content/laureates/plateforme-numerique-noyer-renard.md"
    original = laureate.read_bytes()
    open_entry(editor, preview, "laureates", "plateforme-numerique-noyer-renard")
    summary = editor.locator("textarea[id^='summary-field-']")
    summary.click()
    summary.press("End")
    editor.keyboard.insert_text("\u200b")  # a zero-width space, pasted with the text: invisible in the form
    with saves(editor) as refused:
        publish(editor)
    assert refused.value.status == 422
    toast = editor.get_by_text(re.compile("^Échec de l'enregistrement de l'entrée"))
    toast.wait_for()
    assert re.search(r"content/laureates/plateforme-numerique-noyer-renard\.md:\d+: summary: caractère invisible "
                     r"U\+200B .* — supprimez-le", toast.inner_text())
    toast.evaluate("e => Promise.all(e.closest('[class*=toast]').getAnimations({subtree: true}).map(a => a.finished))")
    shot(editor, "erreur")  # once the notification has slid in
    assert laureate.read_bytes() == original


def first_text_box(page):
    """The entry's first name-like text box, its groups unfolded if needed (territory, themes)."""
    box = page.locator("input:is([id^='title-field-'], [id^='name-field-'], [id^='number-field-']):visible").first
    for _ in range(10):
        if box.count():
            break
        page.get_by_role("button", name="Expand").filter(visible=True).first.click()
    return box


def test_every_shipped_file_opened_and_saved_in_the_editor_is_byte_identical(editor, preview: Preview) -> None:
    """Decap writes only when something changed: each file is saved twice, with a character added then without it,
    so what is on disk at the end is Decap's own writing of the shipped data."""
    content = preview.root / "content"
    entries = [(folder, p.stem) for folder in ("laureates", "editions", "pages")
               for p in sorted((REPO / "content" / folder).glob("*.md"))]
    entries += [("reglages", name) for name in ("site", "territory", "themes")]
    for collection, slug in entries:
        for step in ("add", "remove"):
            open_entry(editor, preview, collection, slug)
            box = first_text_box(editor)
            box.click()
            box.press("End")
            if step == "add":
                editor.keyboard.type("1")
            else:
                editor.keyboard.press("Backspace")
            with saves(editor) as saved:
                publish(editor)
            assert saved.value.status == 200, (collection, slug, saved.value.text())
    changed = [name for name in SHIPPED if (content / name).read_bytes() != (REPO / "content" / name).read_bytes()]
    assert changed == []


def test_a_file_that_is_not_a_photo_picked_as_an_image_is_said_in_french(editor, preview: Preview,
                                                                        tmp_path: Path) -> None:
    """Decap decodes a chosen image in the browser and says its failure in English (« Failed to persist media:
    InvalidStateError… »); the editor's page says it in French, and nothing reaches ``content/``."""
    open_entry(editor, preview, "laureates", "l-expo-bavarde")
    (tmp_path / "photo.jpg").write_bytes(b"%PDF-1.4 not a photo at all\n" * 50)
    editor.get_by_role("button", name="Choisir une image").click()
    with editor.expect_file_chooser() as chooser:
        editor.get_by_text("Téléverser une nouvelle ressource").click()
    chooser.value.set_files(tmp_path / "photo.jpg")
    editor.get_by_text(re.compile("^Image illisible : ce fichier n’est pas une photo JPEG, PNG ou WebP")).first.wait_for()
    assert not editor.get_by_text("Failed to persist media").count()
    assert not (preview.root / "content/media/photo.jpg").exists()
