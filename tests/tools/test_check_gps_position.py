"""``check`` warns about a laureate photo whose EXIF holds a GPS position: the site strips it, the repository keeps it."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from conftest import make_repo, run_cli
from photos import add_image, photo


def test_check_warns_that_a_photos_gps_position_stays_in_the_repository(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    add_image(root, "atelier-code", "lieu.jpg", photo())  # a phone's photo: its position in the EXIF
    result = run_cli(root, "check")
    assert "content/laureates/atelier-code.md:" in result.stdout + result.stderr
    assert "image: photo avec sa position GPS" in result.stdout + result.stderr
    clean = io.BytesIO()
    Image.open(io.BytesIO(photo())).save(clean, "JPEG")  # saved again without its EXIF
    add_image(root, "cafe-culture", "salle.jpg", clean.getvalue())
    result = run_cli(root, "check")
    assert "atelier-code.md" in result.stdout + result.stderr and "cafe-culture.md:" not in result.stdout + result.stderr
