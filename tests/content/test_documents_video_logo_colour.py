"""Issue 16, content contract: documents to download, a video link, the site's logo and its main colour.

Each refusal is a ``path:line: field: message — hint`` an editor can act on: a document that does not exist (with
the closest media file of its kind), a photo or another type where a document belongs, a document without its title
or listed twice, a video that is not an http(s) address, a logo without its text alternative, a colour written so
that YAML reads a comment, a colour too light to read (with the measured ratio and the same hue, darkened until it
passes).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO
from test_validate import edit, problems
from vitrine.content import contrast

RADIO = "content/laureates/radio-quartier.md"
EDITION = "content/editions/2022.md"
SITE = "content/site.yaml"
DOCUMENT = "  - file: media/bilan-radio.pdf\n    title: Bilan de la première saison\n"


def test_the_fixture_with_every_new_field_is_valid(repo: Path) -> None:
    assert problems(repo) == []


def test_a_document_that_does_not_exist_suggests_the_closest_document(repo: Path) -> None:
    edit(repo, RADIO, "file: media/bilan-radio.pdf", "file: media/bilan-radi.pdf")
    assert problems(repo) == [
        "content/laureates/radio-quartier.md:10: documents[1].file: fichier introuvable « media/bilan-radi.pdf » "
        "— vouliez-vous dire « media/bilan-radio.pdf » ?"]


def test_a_missing_photo_is_never_told_to_be_a_document_or_the_logo(repo: Path) -> None:
    # « media/ » is common to every name: compared with it, « radio.jpg » looked like « logo.png »
    edit(repo, RADIO, "summary:", "image: media/radio.jpg\nimage_alt: Un studio\nimage_credit: © Studio\nsummary:")
    assert problems(repo) == [
        "content/laureates/radio-quartier.md:7: image: fichier introuvable « media/radio.jpg » "
        "— placez le fichier dans content/media/"]


@pytest.mark.parametrize("name, suffix", [("logo.png", ".png"), ("../site.yaml", ".yaml")])
def test_a_file_that_is_not_a_document_is_refused_as_one(repo: Path, name: str, suffix: str) -> None:
    edit(repo, EDITION, "file: media/reglement-2022.pdf", f"file: media/{name}")
    [message] = problems(repo)
    assert message.startswith("content/editions/2022.md:") and ": documents[1].file: " in message
    if suffix == ".png":
        assert message == (
            "content/editions/2022.md:8: documents[1].file: « media/logo.png » n'est pas un document à télécharger "
            "(type « .png ») — citez un PDF, un fichier OpenDocument (.odt, .ods, .odp) ou Office (.docx, .xlsx, "
            ".pptx, .doc, .xls, .ppt) ; une photo se montre avec « image: »")
    else:
        assert "chemin refusé" in message  # out of content/media/: refused before its type is looked at


def test_a_document_without_title_or_listed_twice_or_without_file_is_refused_at_its_line(repo: Path) -> None:
    edit(repo, RADIO, DOCUMENT, DOCUMENT + "  - file: media/bilan-radio.pdf\n    title: Le bilan\n"
         "  - file: media/reglement-2022.pdf\n  - media/reglement-2022.pdf\n  - title: Sans fichier\n")
    assert problems(repo) == [
        "content/laureates/radio-quartier.md:12: documents[2].file: document « media/bilan-radio.pdf » cité deux "
        "fois (déjà ligne 10) — gardez-le une seule fois dans la liste",
        "content/laureates/radio-quartier.md:14: documents[3].title: champ obligatoire manquant "
        "— ajoutez-le (par exemple « title: Règlement de l'appel à projets »)",
        "content/laureates/radio-quartier.md:15: documents[4]: document « media/reglement-2022.pdf » sans titre : "
        "chaque document a un fichier et un titre — écrivez « - file: media/reglement-2022.pdf » puis, en dessous "
        "et aligné sur file, « title: Titre du document »",
        "content/laureates/radio-quartier.md:16: documents[5].file: champ obligatoire manquant "
        "— ajoutez-le (par exemple « file: media/reglement-2024.pdf »)"]


def test_documents_written_as_one_text_are_refused(repo: Path) -> None:
    edit(repo, RADIO, "documents:\n" + DOCUMENT, "documents: media/bilan-radio.pdf\n")
    assert problems(repo) == [
        "content/laureates/radio-quartier.md:9: documents: attendu : une liste, trouvé le texte "
        "« media/bilan-radio.pdf »"]


@pytest.mark.parametrize("video", ["ftp://exemple.test/film.mp4", "javascript:alert(1)", "youtube.com/watch?v=x"])
def test_a_video_that_is_not_an_http_address_is_refused(repo: Path, video: str) -> None:
    edit(repo, RADIO, "video: https://www.youtube.com/watch?v=radio-quartier", f"video: {video}")
    [message] = problems(repo)
    assert message.startswith(f"content/laureates/radio-quartier.md:8: video: adresse refusée « {video} » : seules "
                              "les adresses http:// ou https:// complètes sont acceptées — ")


def test_a_logo_without_its_text_alternative_is_refused(repo: Path) -> None:
    edit(repo, SITE, "logo_alt: EPT de test\n", "")
    assert problems(repo) == [
        "content/site.yaml:8: logo_alt: texte alternatif manquant pour le logo — ajoutez « logo_alt: » avec le nom "
        "que le logo écrit (en général celui de l'organisme)"]


def test_a_logo_must_be_an_image_and_an_alternative_needs_a_logo(repo: Path) -> None:
    edit(repo, SITE, "logo: media/logo.png", "logo: media/reglement-2022.pdf")
    assert problems(repo) == [
        "content/site.yaml:8: logo: format d'image « .pdf » non pris en charge — enregistrez l'image en JPEG, PNG "
        "ou WebP (.jpg, .png, .webp)"]
    edit(repo, SITE, "logo: media/reglement-2022.pdf\n", "")
    assert problems(repo) == [
        "content/site.yaml:8: logo_alt: texte alternatif sans logo — ajoutez « logo: » ou retirez ce champ"]


def test_a_colour_too_light_to_read_says_the_ratio_and_the_nearest_colour_that_passes(repo: Path) -> None:
    edit(repo, SITE, 'colour: "#1f5fa8"', 'colour: "#3A8FD9"')
    assert problems(repo) == [
        'content/site.yaml:10: colour: contraste insuffisant 3,4:1 sur fond blanc (4,5:1 exigé pour lire les liens '
        'et les boutons) — essayez « colour: "#2473b9" », la même teinte assombrie']
    edit(repo, SITE, 'colour: "#3A8FD9"', 'colour: "#2473b9"')  # the suggestion passes
    assert problems(repo) == []


def test_a_colour_readable_on_white_but_not_on_the_grey_boxes_is_refused_for_the_grey(repo: Path) -> None:
    edit(repo, SITE, 'colour: "#1f5fa8"', 'colour: "#767676"')  # 4.54:1 on white, 4.16:1 on #f3f5f8
    [message] = problems(repo)
    assert "contraste insuffisant 4,1:1 sur fond gris clair (pied de page, encadrés)" in message


@pytest.mark.parametrize("typed, hint", [
    ("#1f5fa8", 'couleur vide : en YAML, ce qui suit « # » après une espace est un commentaire — écrivez la couleur '
                'entre guillemets, par exemple « colour: "#1f5fa8" », ou retirez la ligne'),
    ('"#15a"', 'attendu : une couleur « #rrggbb » entre guillemets, trouvé le texte « #15a » — écrivez '
               '« colour: "#1155aa" » (six chiffres hexadécimaux après #, entre guillemets)'),
    ("1f5fa8", 'attendu : une couleur « #rrggbb » entre guillemets, trouvé le texte « 1f5fa8 » — écrivez '
               '« colour: "#1f5fa8" » (six chiffres hexadécimaux après #, entre guillemets)'),
    ("bleu", 'attendu : une couleur « #rrggbb » entre guillemets, trouvé le texte « bleu » — par exemple '
             '« colour: "#1f5fa8" » (six chiffres hexadécimaux après #, entre guillemets)'),
])
def test_a_colour_written_otherwise_says_how_to_write_it(repo: Path, typed: str, hint: str) -> None:
    edit(repo, SITE, 'colour: "#1f5fa8"', f"colour: {typed}")
    assert problems(repo) == [f"content/site.yaml:10: colour: {hint}"]


def test_the_american_spelling_is_told_apart(repo: Path) -> None:
    edit(repo, SITE, 'colour: "#1f5fa8"', 'color: "#1f5fa8"')
    assert problems(repo) == ["content/site.yaml:10: color: champ inconnu « color » — vouliez-vous dire « colour » ?"]


# --- The contrast ratio against WCAG's published values ---

@pytest.mark.parametrize("first, second, expected", [
    ("#000000", "#ffffff", 21.0),  # the maximum
    ("#ffffff", "#ffffff", 1.0),
    ("#767676", "#ffffff", 4.54),  # the lightest grey that passes AA on white, as WebAIM and Deque quote it
    ("#777777", "#ffffff", 4.48),  # one step lighter fails
    ("#595959", "#ffffff", 7.0),  # the lightest grey that passes AAA
    ("#ff0000", "#ffffff", 4.0),
    ("#0000ff", "#ffffff", 8.59),
    ("#ffffff", "#0b4f6c", 8.94),  # the theme's own colour, either way round
])
def test_the_ratio_matches_wcag_known_values(first: str, second: str, expected: float) -> None:
    assert round(contrast.ratio(first, second), 2) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("colour", ["#3a8fd9", "#ff0000", "#ffff00", "#e0a030", "#ffffff", "#00ff00"])
def test_the_nearest_passing_colour_keeps_the_hue_and_is_the_lightest_that_passes(colour: str) -> None:
    import colorsys

    found = contrast.nearest_passing(colour)
    assert contrast.failure(found) is None
    hls = [colorsys.rgb_to_hls(*(c / 255 for c in contrast.rgb(x))) for x in (colour, found)]
    if hls[0][2] > 0:  # a grey has no hue to keep
        assert hls[1][0] == pytest.approx(hls[0][0], abs=0.01)
    lighter = contrast.hex_colour(*(min(255, c + 2) for c in contrast.rgb(found)))
    assert contrast.failure(lighter) is not None  # not needlessly dark


def test_a_ratio_just_short_of_the_threshold_never_reads_as_reaching_it() -> None:
    assert contrast.shown_ratio(4.4999) == "4,4:1" and contrast.shown_ratio(4.5) == "4,5:1"


def test_the_backgrounds_checked_are_the_themes() -> None:
    css = (REPO / "static/style.css").read_text("utf-8")
    paper, soft = (re.search(rf"--{name}:\s*(#[0-9a-f]{{6}})", css).group(1) for name in ("paper", "soft"))
    assert [background for background, _ in contrast.BACKGROUNDS] == [paper, soft]
    assert "var(--brand)" in css and "var(--brand-dark)" in css  # what couleurs.css replaces


def test_the_guide_quotes_the_real_refusal_of_a_colour(repo: Path) -> None:
    guide = (REPO / "docs/guide-redaction.md").read_text("utf-8")
    [quoted] = [line for line in guide.splitlines() if line.startswith("content/site.yaml:10: colour: contraste")]
    edit(repo, SITE, 'colour: "#1f5fa8"', 'colour: "#3a8fd9"')
    assert problems(repo) == [quoted]
