"""A photo of ``content/media/`` that holds its GPS position: the site strips it, the repository (often public)
keeps it. ``check`` and ``build --deploy`` refuse it, ``build`` warns, each naming ``clean-media``, which strips it in
place without touching its pixels."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from conftest import TODAY, make_repo, run_cli
from photos import SECRETS, add_image, photo

COMMAND = "python build.py clean-media content/media/lieu.{suffix}"
FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}


def xmp_photo() -> bytes:
    """A JPEG whose position is only in its XMP (as some editing software writes it)."""
    buffer = io.BytesIO()
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="48,42.1N" '
           b'exif:GPSLongitude="2,23.0E"/></rdf:RDF></x:xmpmeta>')
    Image.new("RGB", (800, 600), (40, 90, 160)).save(buffer, "JPEG", xmp=xmp)
    return buffer.getvalue()


def pixels(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("RGB")


@pytest.mark.parametrize("suffix", FORMATS)
def test_check_and_deploy_refuse_a_photo_with_its_position_and_build_warns(cli, tmp_path: Path, suffix: str) -> None:
    root = make_repo(tmp_path)
    add_image(root, "atelier-code", f"lieu.{suffix}", photo(orientation=6, fmt=FORMATS[suffix]))
    command = COMMAND.format(suffix=suffix)

    result = cli(root, "check", "--date", TODAY.isoformat())
    assert result.returncode == 1
    assert f"content/media/lieu.{suffix}:1: fichier: photo avec sa position GPS" in result.stderr
    assert command in result.stderr

    result = cli(root, "build", "--deploy", "--date", TODAY.isoformat())
    assert result.returncode == 1 and command in result.stderr
    assert not (root / "site").exists()  # nothing published

    result = cli(root, "build", "--date", TODAY.isoformat())
    assert result.returncode == 0
    assert f"avertissement : content/media/lieu.{suffix}:1: fichier: photo avec sa position GPS" in result.stderr
    assert command in result.stderr


def test_a_position_written_only_in_xmp_is_refused_too(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    add_image(root, "atelier-code", "lieu.jpg", xmp_photo())
    result = cli(root, "check", "--date", TODAY.isoformat())
    assert result.returncode == 1 and COMMAND.format(suffix="jpg") in result.stderr


@pytest.mark.parametrize("suffix", FORMATS)
def test_clean_media_removes_the_position_and_keeps_pixels_and_orientation(cli, tmp_path: Path, suffix: str) -> None:
    root = make_repo(tmp_path)
    add_image(root, "atelier-code", f"lieu.{suffix}", photo((1200, 800), orientation=6, fmt=FORMATS[suffix]))
    path = root / "content/media" / f"lieu.{suffix}"
    before = pixels(path)

    result = run_cli(root, "clean-media", f"content/media/lieu.{suffix}")

    assert result.returncode == 0, result.stderr
    assert f"Nettoyée : content/media/lieu.{suffix} — retiré : position GPS" in result.stdout
    with Image.open(path) as image:
        exif = image.getexif()
        assert exif.get_ifd(0x8825) == {} and 0x010F not in exif  # no position, no camera
        assert exif.get(0x0112) == 6  # still displayed upright
    assert not any(secret in path.read_bytes() for secret in SECRETS)
    assert ImageChops.difference(before, pixels(path)).getbbox() is None  # lossless
    assert cli(root, "check", "--strict", "--date", TODAY.isoformat()).returncode == 0

    again = run_cli(root, "clean-media")  # every photo of content/media/: this one is already clean
    assert again.returncode == 0 and f"Déjà propre : content/media/lieu.{suffix}" in again.stdout


def test_clean_media_refuses_what_is_not_a_photo_of_content_media(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    outside = tmp_path / "ailleurs.jpg"
    outside.write_bytes(photo())
    (root / "content/media").mkdir(exist_ok=True)
    (root / "content/media/lien.jpg").symlink_to(outside)
    laureate = root / "content/laureates/atelier-code.md"
    text = laureate.read_bytes()

    result = run_cli(root, "clean-media", "content/laureates/atelier-code.md", str(outside),
                     "content/media/lien.jpg", "content/media/absente.jpg")

    assert result.returncode == 1
    assert "Refusé : content/laureates/atelier-code.md : seules les photos de content/media/ sont nettoyées" \
        in result.stderr
    assert f"Refusé : {outside} : seules les photos de content/media/ sont nettoyées" in result.stderr
    assert "Refusé : content/media/lien.jpg : c'est un lien" in result.stderr
    assert "Refusé : content/media/absente.jpg : fichier introuvable" in result.stderr
    assert laureate.read_bytes() == text and outside.read_bytes() == photo()  # untouched
