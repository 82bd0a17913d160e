"""The open data's rows: an edit encodes its rows, the kernel copies the others.

Counted, never timed: each rebuild must do the work the edit calls for, and equal a cold build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import TODAY, build_in_process
from vitrine.pipeline import BuildOptions, BuildState, build
from work import N, tree, rebuild, assert_same_as_cold_build, laureate_file, inodes, edit_body, preview_options, rows_order
from work_fixtures import corpus, encoded, copied  # noqa: F401 - fixtures


def letter_changed(path: Path) -> None:
    """A change that keeps the file's length (and its rows'), with other bytes."""
    text = path.read_text("utf-8")
    last = text.rindex("e ")  # in a word of the text, not in a link's address (a dead link is an error)
    path.write_text(text[:last] + "a" + text[last + 1:], "utf-8")


ROW_EDITS = {"rows-grow": lambda path: edit_body(path, "Une phrase de plus."), "same-length": letter_changed}



def line_ends_changed(data: Path) -> None:
    data.write_bytes(data.read_bytes().replace(b"\r\n", b"\n"))



def byte_changed_in_the_middle(data: Path) -> None:
    content = bytearray(data.read_bytes())
    middle = len(content) // 2
    content[middle] = ord("#") if content[middle] != ord("#") else ord("%")
    data.write_bytes(bytes(content))  # the same size, another time



HAND_CHANGES = {"line-ends": line_ends_changed, "a-byte-in-the-middle": byte_changed_in_the_middle,
                "removed": Path.unlink}



@pytest.mark.parametrize("edit", ROW_EDITS)
def test_an_edit_encodes_its_rows_and_copies_the_others_in_a_run_between_each(corpus: Path, encoded: list[str],
                                                                               copied: list[int], edit: str) -> None:
    rebuild(corpus)
    order = rows_order(corpus)
    edited = [order[0], order[N // 2], order[-1]]  # the first row, one in the middle, the last
    for slug in edited:
        ROW_EDITS[edit](corpus / "content" / "laureates" / f"{slug}.md")
    encoded.clear()
    rebuild(corpus)  # a new state, as a new process has: the other rows are taken from the published files
    assert sorted(encoded) == sorted(edited * 2)  # a CSV line and a JSON object each
    assert len(copied) == 2 * 2  # in each file, the rows between the first and the middle, then up to the last
    assert_same_as_cold_build(corpus)

    encoded.clear()
    edit_body(corpus / "content" / "laureates" / f"{order[1]}.md", "Puis une autre.")
    rebuild(corpus)  # from the places the spliced files were recorded with
    assert encoded == [order[1], order[1]]
    assert_same_as_cold_build(corpus)



def test_laureates_added_then_removed_encode_only_the_new_rows(corpus: Path, encoded: list[str]) -> None:
    rebuild(corpus)
    encoded.clear()
    model = laureate_file(corpus, 9).read_text("utf-8")
    added = corpus / "content" / "laureates" / "un-projet-nouveau.md"
    added.write_text(model.replace('title: "', 'title: "Nouveau : ', 1), "utf-8")
    laureate_file(corpus, 4).unlink()
    rebuild(corpus)
    assert encoded == [added.stem, added.stem]
    assert_same_as_cold_build(corpus)

    added.unlink()
    encoded.clear()
    rebuild(corpus)
    assert encoded == []  # every row copied from where the last build put it
    assert_same_as_cold_build(corpus)



def test_an_edit_that_changes_no_column_leaves_the_open_data_files_as_they_are(corpus: Path,
                                                                                encoded: list[str]) -> None:
    rebuild(corpus)
    encoded.clear()
    published = inodes(corpus / "site" / "donnees")
    path = laureate_file(corpus, 2)
    path.write_text(path.read_text("utf-8") + "\n\n", "utf-8")  # the description column is the body, stripped
    report = rebuild(corpus)
    assert encoded == [path.stem, path.stem]
    assert [p for p in report.written if p.startswith("donnees/")] == []
    assert inodes(corpus / "site" / "donnees") == published

    encoded.clear()
    edit_body(laureate_file(corpus, 5), "Puis une vraie modification.")
    rebuild(corpus)
    assert encoded == [laureate_file(corpus, 5).stem] * 2
    assert_same_as_cold_build(corpus)



def test_a_shared_file_edit_re_encodes_every_row_and_rewrites_the_files_only_if_a_row_changed(
        corpus: Path, encoded: list[str]) -> None:
    rebuild(corpus)
    encoded.clear()
    published = inodes(corpus / "site" / "donnees")
    territory = corpus / "content" / "territory.yaml"
    territory.write_text(territory.read_text("utf-8").replace("contrat-1@vitrine-demo.fr",
                                                              "contrat-un@vitrine-demo.fr"),
                         "utf-8")  # a contact the open data do not carry
    report = rebuild(corpus)
    assert len(encoded) == 2 * N  # another context: no row is taken on trust, each is compared
    assert [p for p in report.written if p.startswith("donnees/")] == []
    assert inodes(corpus / "site" / "donnees") == published
    assert_same_as_cold_build(corpus)



def test_a_build_without_a_record_compares_the_rows_with_the_published_files_and_rewrites_neither(
        corpus: Path, encoded: list[str]) -> None:
    rebuild(corpus)
    published = inodes(corpus / "site" / "donnees")
    shutil.rmtree(corpus / ".vitrine-cache")
    encoded.clear()
    rebuild(corpus)
    assert len(encoded) == 2 * N
    assert inodes(corpus / "site" / "donnees") == published
    edit_body(laureate_file(corpus, 8), "Une phrase de plus.")
    encoded.clear()
    rebuild(corpus)  # from the places the comparison recorded
    assert encoded == [laureate_file(corpus, 8).stem] * 2
    assert_same_as_cold_build(corpus)



@pytest.mark.parametrize("change", HAND_CHANGES)
def test_open_data_files_changed_by_hand_are_made_again_from_every_laureate(corpus: Path, encoded: list[str],
                                                                              change: str) -> None:
    rebuild(corpus)
    encoded.clear()
    HAND_CHANGES[change](corpus / "site" / "donnees" / "laureats.csv")
    edit_body(laureate_file(corpus, 3), "Une phrase de plus.")
    rebuild(corpus)
    assert len(encoded) == N + 1  # every CSV line, the edited laureate's JSON object
    assert_same_as_cold_build(corpus)



def test_a_long_lived_state_encodes_only_the_rows_of_each_save(corpus: Path, encoded: list[str]) -> None:
    options = preview_options(corpus)
    state = BuildState.open(options)
    assert build(options, state).ok
    for k, edit in enumerate([*ROW_EDITS.values(), *ROW_EDITS.values()]):
        encoded.clear()
        path = laureate_file(corpus, 3 * k)
        edit(path)
        assert build(options, state).ok
        assert encoded == [path.stem, path.stem]
    assert_same_as_cold_build(corpus, "preview", drafts=True, search=False)



def test_after_a_failed_build_a_long_lived_state_still_makes_the_open_data_of_a_cold_build(corpus: Path) -> None:
    options = BuildOptions(root=corpus, out=corpus / "preview", today=TODAY, drafts=True, search=False)
    state = BuildState.open(options)
    assert build(options, state).ok
    template = corpus / "templates" / "laureate.html"
    good = template.read_text("utf-8")
    template.write_text(good.replace("<h2>En bref</h2>", "<h2>{{ oups.inexistant }}</h2>"), "utf-8")
    path = laureate_file(corpus, 0)
    text = path.read_text("utf-8")
    last = text.rindex("e")  # a change of the same length: its rows keep their places, with other bytes
    path.write_text(text[:last] + "a" + text[last + 1:], "utf-8")
    assert not build(options, state).ok  # the open data were made, then a page failed: nothing was published
    template.write_text(good, "utf-8")
    edit_body(laureate_file(corpus, 7), "Une autre phrase.")
    assert build(options, state).ok
    cold = build_in_process(corpus, out=corpus / "cold", use_cache=False, drafts=True, search=False)
    assert cold.ok, cold.errors
    assert tree(corpus / "preview" / "donnees") == tree(corpus / "cold" / "donnees")
