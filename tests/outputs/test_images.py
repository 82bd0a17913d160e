"""Images: several widths, metadata stripped, EXIF orientation applied, processed once."""

from __future__ import annotations

import os
import re
from pathlib import Path

from PIL import Image

from conftest import build_in_process, write
from photos import SECRETS, add_image, photo


def published(site: Path, pattern: str) -> dict[str, tuple[int, int]]:
    """Published files whose path matches ``pattern``, with their pixel size."""
    found = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.is_file() and re.fullmatch(pattern, rel):
            with Image.open(path) as image:
                found[rel] = image.size
    return found


def test_a_laureate_image_is_published_in_three_widths_in_webp_and_jpeg(repo: Path) -> None:
    add_image(repo, "atelier-code", "atelier.jpg", photo((1300, 650)))
    assert build_in_process(repo).ok
    site = repo / "site"
    webp = published(site, r"media/atelier-\d+\.[0-9a-f]{8}\.webp")
    jpeg = published(site, r"media/atelier-\d+\.[0-9a-f]{8}\.jpg")
    assert sorted(webp.values()) == sorted(jpeg.values()) == [(480, 240), (800, 400), (1200, 600)]
    assert published(site, r"media/atelier\.jpg") == {"media/atelier.jpg": (1300, 650)}


def test_an_image_is_never_enlarged(repo: Path) -> None:
    add_image(repo, "atelier-code", "petite.png", photo((600, 300), fmt="PNG"))
    assert build_in_process(repo).ok
    sizes = published(repo / "site", r"media/petite-\d+\.[0-9a-f]{8}\.(webp|png)")
    assert sorted(set(sizes.values())) == [(480, 240), (600, 300)]


def test_exif_orientation_is_applied_and_no_metadata_is_published(repo: Path) -> None:
    original = photo((1000, 600), orientation=6)  # a phone photo taken upright: stored sideways
    add_image(repo, "atelier-code", "portrait.jpg", original)
    assert build_in_process(repo).ok
    site = repo / "site"
    images = published(site, r"media/portrait.*")
    assert images["media/portrait.jpg"] == (600, 1000)
    assert sorted(images.values()) == [(480, 800)] * 2 + [(600, 1000)] * 3
    for rel in images:
        data = (site / rel).read_bytes()
        assert data != original
        assert not [secret for secret in SECRETS if secret in data], rel
        with Image.open(site / rel) as image:
            assert not image.getexif(), rel
            assert not {"exif", "xmp", "icc_profile", "comment"} & image.info.keys(), rel


def test_the_laureate_page_serves_an_eager_picture_and_cards_lazy_ones(repo: Path) -> None:
    add_image(repo, "atelier-code", "atelier.jpg", photo((1300, 650)), alt="L'atelier en pleine séance")
    assert build_in_process(repo).ok
    site = repo / "site"
    page = (site / "laureats/atelier-code/index.html").read_text("utf-8")
    hero = re.search(r'<figure class="laureate-image">(.*?)</figure>', page, re.S).group(1)
    assert re.search(r'<source type="image/webp" srcset="[^"]*-480\.\w+\.webp 480w, [^"]*-800\.\w+\.webp 800w, '
                     r'[^"]*-1200\.\w+\.webp 1200w" sizes="[^"]+">', hero)
    img = re.search(r"<img [^>]+>", hero).group(0)
    assert 'width="1200" height="600"' in img and 'loading="eager"' in img
    assert 'alt="L’atelier en pleine séance"' in img and 'sizes="' in img
    for url in re.findall(r'(?:src|srcset)="([^"]+)"', hero):
        for candidate in url.split(", "):
            assert (site / "laureats/atelier-code" / candidate.split(" ")[0]).resolve().is_file(), candidate

    listing = (site / "editions/2021/index.html").read_text("utf-8")
    card_img = re.search(r'<figure class="card-image">.*?(<img [^>]+>)', listing, re.S).group(1)
    assert 'loading="lazy"' in card_img and 'width="1200"' in card_img
    assert re.search(r'src="\.\./\.\./media/atelier-1200\.[0-9a-f]{8}\.jpg"', card_img)


def test_an_unchanged_image_is_never_processed_twice(repo: Path) -> None:
    add_image(repo, "atelier-code", "atelier.jpg", photo((1300, 650)))
    first = build_in_process(repo)
    assert first.ok and first.images_processed == 2  # the photo and the site's logo

    again = build_in_process(repo)  # a new process: only .vitrine-cache/ remembers
    assert again.ok and again.images_processed == 0
    assert again.written == () and again.rendered == 0

    image = repo / "content/media/atelier.jpg"
    os.utime(image, ns=(1, 1))  # touched, same bytes: re-hashed, not re-processed
    assert build_in_process(repo).images_processed == 0

    (repo / "site").rename(repo / "elsewhere")  # a fresh output folder: files come from the cache
    fresh = build_in_process(repo)
    assert fresh.images_processed == 0 and "media/atelier.jpg" in fresh.written

    image.write_bytes(photo((1000, 1000)))
    changed = build_in_process(repo)
    assert changed.images_processed == 1
    assert published(repo / "site", r"media/atelier\.jpg") == {"media/atelier.jpg": (1000, 1000)}


def test_images_are_published_without_a_cache_too(repo: Path) -> None:
    add_image(repo, "atelier-code", "atelier.jpg", photo((900, 600)))
    report = build_in_process(repo, use_cache=False)
    assert report.ok and report.images_processed == 2  # the photo and the site's logo
    assert not (repo / ".vitrine-cache").exists()
    assert sorted(published(repo / "site", r"media/atelier-.*").values()) == [(480, 320)] * 2 + [(800, 533)] * 2 + [(900, 600)] * 2


def test_a_photo_linked_from_a_body_is_published_stripped_and_other_media_as_they_are(repo: Path) -> None:
    media = repo / "content" / "media"
    media.mkdir(exist_ok=True)
    (media / "photo.jpg").write_bytes(photo((3000, 100)))
    (media / "bilan.pdf").write_bytes(b"%PDF-1.4 bilan\n")
    page = repo / "content/pages/le-label.md"
    page.write_text(page.read_text("utf-8") + "\n![Une photo](media/photo.jpg) [Le bilan](media/bilan.pdf)\n", "utf-8")
    assert build_in_process(repo).ok
    site = repo / "site"
    assert (site / "media/bilan.pdf").read_bytes() == b"%PDF-1.4 bilan\n"
    assert published(site, r"media/photo.*") == {"media/photo.jpg": (2400, 80)}  # no variants: not a laureate's
    assert not [secret for secret in SECRETS if secret in (site / "media/photo.jpg").read_bytes()]


def test_an_unsupported_image_format_is_a_content_error(repo: Path) -> None:
    write(repo / "content/media/photo.heic", "not really an image")
    add_image(repo, "atelier-code", "photo.gif", b"GIF89a")
    laureate = repo / "content/laureates/atelier-code.md"
    laureate.write_text(laureate.read_text("utf-8").replace("photo.gif", "photo.heic"), "utf-8")
    report = build_in_process(repo)
    assert [str(e) for e in report.errors] == [
        "content/laureates/atelier-code.md:10: image: format d'image « .heic » non pris en charge "
        "— enregistrez l'image en JPEG, PNG ou WebP (.jpg, .png, .webp)",
        "content/media/photo.gif:1: fichier: format d'image « .gif » non publié "
        "— enregistrez l'image en JPEG, PNG ou WebP",
        "content/media/photo.heic:1: fichier: format d'image « .heic » non publié "
        "— enregistrez l'image en JPEG, PNG ou WebP"]


def test_an_unreadable_image_is_a_content_error_and_nothing_is_published(repo: Path) -> None:
    assert build_in_process(repo).ok
    before = (repo / "site/index.html").read_bytes()
    add_image(repo, "atelier-code", "casse.jpg", b"\xff\xd8\xff\xe0 truncated")
    report = build_in_process(repo)
    assert not report.ok
    assert [(e.path, e.field) for e in report.errors] == [("content/media/casse.jpg", "fichier")]
    assert "image illisible" in report.errors[0].message
    assert not list((repo / "site/media").glob("casse*"))
    assert (repo / "site/index.html").read_bytes() == before
