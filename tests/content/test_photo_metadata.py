"""Photos stored through the web editor lose what the camera wrote (GPS, maker, XMP, comments), not a pixel."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from photos import SECRETS, photo
from vitrine.content.photo_metadata import NotAPhoto, strip, uploaded


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize("orientation", [None, 6])
def test_metadata_go_the_pixels_and_the_orientation_stay(fmt: str, orientation: int | None) -> None:
    original = photo((320, 200), orientation=orientation, fmt=fmt)
    assert strip(original).removed
    stored = uploaded(original)
    assert not any(secret in stored for secret in SECRETS) and not strip(stored).removed
    with Image.open(io.BytesIO(stored)) as image, Image.open(io.BytesIO(original)) as before:
        assert image.format == before.format and image.tobytes() == before.tobytes()  # not re-encoded
        assert not image.getexif().get_ifd(0x8825) and image.getexif().get(0x0112) == orientation


def test_a_second_image_after_the_first_one_goes_with_its_own_metadata() -> None:
    """Phones append a preview image (MPO) carrying its own Exif, GPS included."""
    stored = uploaded(photo((200, 100)) + photo((50, 40)))
    assert not any(secret in stored for secret in SECRETS)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (200, 100)


def test_what_is_not_a_photo_is_refused() -> None:
    for data in (b"<html><script>alert(1)</script>", photo((40, 30))[:200], b""):
        with pytest.raises(NotAPhoto):
            uploaded(data)
