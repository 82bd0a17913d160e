"""What is not a content file is named for what it is: a pipe in place of site.yaml is told to become a YAML
file, a folder or a link to one in laureates/ is a « dossier », never told to be renamed .md."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import make_repo, run_cli


def test_a_fifo_in_place_of_site_yaml_is_told_to_become_a_yaml_file(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    site_yaml = root / "content" / "site.yaml"
    site_yaml.unlink()
    os.mkfifo(site_yaml)
    result = run_cli(root, "build", "--date", "2022-04-01", timeout=60)
    assert result.returncode == 1, result.stderr
    line = next(line for line in result.stderr.splitlines() if "content/site.yaml" in line)
    assert "fichier texte YAML (.yaml)" in line and ".md" not in line


def test_a_folder_and_a_linked_folder_in_laureates_are_called_folders(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    laureates = root / "content" / "laureates"
    (laureates / "archives").mkdir()
    (tmp_path / "ailleurs").mkdir()
    (laureates / "anciens.md").symlink_to(tmp_path / "ailleurs", target_is_directory=True)
    result = run_cli(root, "check")
    assert result.returncode == 1, result.stderr
    folder = next(line for line in result.stderr.splitlines() if "laureates/archives" in line)
    link = next(line for line in result.stderr.splitlines() if "laureates/anciens.md" in line)
    assert "archives:1: dossier: dossier ignoré" in folder and "renommez" not in folder
    assert "anciens.md:1: dossier: lien vers un dossier ignoré" in link and "renommez" not in link and "retirez le lien" in link
