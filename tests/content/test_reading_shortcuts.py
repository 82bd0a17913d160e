"""The reading's shortcuts never let through what the full checks refuse, nor miss what they find.

- YAML without « & » or « ! » and with few characters that open collections is composed at once, without the pass
  over its events (``yaml_depth.plainly_shallow``): an alias, a nesting too deep or a syntax error must still be
  told as that pass tells them, with the same words at the same line;
- a file whose front matter holds none of a placeholder's words is not searched value by value
  (``placeholders._IN_VALUES``): a value that gets one by folding its lines or from an escape is still found;
- a text is searched for placeholders only when its UTF-8 in small letters holds one of their words
  (``placeholders._may_hold_words``): as sound as the characters that lower or match in any case to their letters;
- a Markdown body is checked for hidden control characters only when it has a « & » (``bodies.scan``), those of
  its raw HTML too, which the sanitizer decodes.
"""

from __future__ import annotations

import re

import pytest

from vitrine.content import placeholders, yaml_lines
from vitrine.content.bodies import scan as scan_body
from vitrine.content.placeholders import scan as scan_placeholders
from vitrine.content.text import INVISIBLE
from vitrine.content.yaml_depth import COMPOSABLE, MAX_YAML_DEPTH, plainly_shallow
from vitrine.content.yaml_lines import _refused_construct, parse_yaml
from vitrine.site.markup import markdown_to_html

DEEP = "YAML invalide : listes ou groupes imbriqués trop profondément"
ALIAS = "YAML invalide : « * » en début de valeur a un sens spécial en YAML (ancre ou alias)"

# Texts the shortcut composes at once, and what must come of them: (line, message) of the only error
REFUSED_AFTER_COMPOSING = [
    ("- 1\n- " + "- " * MAX_YAML_DEPTH + "c", 2, DEEP),  # block lists on one line
    ("a: 1\nb:\n" + "".join(" " * (2 * i) + f"k{i}:\n" for i in range(1, MAX_YAML_DEPTH + 1)) + " " * 40 + "v",
     MAX_YAML_DEPTH + 2, DEEP),  # mappings, one more indented per line
    ("b: " + "[" * MAX_YAML_DEPTH + "]" * MAX_YAML_DEPTH, 1, DEEP),
    ("b: [" + "c: [" * (MAX_YAML_DEPTH - 1) + "]" * MAX_YAML_DEPTH, 1, DEEP),  # pairs in lists are mappings
    ("? " + "- " * MAX_YAML_DEPTH + "a\n: b", 1, DEEP),  # a list as a key counts too
    ("a: 1\n" + "[" * MAX_YAML_DEPTH + "a" + "]" * MAX_YAML_DEPTH + ": b", 2, DEEP),
    ("- " * (MAX_YAML_DEPTH + 1) + "c\nd: [", 1, DEEP),  # too deep, then a syntax error: the depth first
    ("a: 1\na: " + "[" * (MAX_YAML_DEPTH + 1) + "]" * (MAX_YAML_DEPTH + 1), 2, DEEP),  # a repeated field's value
    ("x:\n  a: 1\n  a: " + "[" * MAX_YAML_DEPTH + "]" * MAX_YAML_DEPTH, 3, DEEP),  # …is not constructed: still seen
    ("[a]: 1\n[b]: " + "{c: " * MAX_YAML_DEPTH + "d" + "}" * MAX_YAML_DEPTH, 2, DEEP),  # two keys « ? »
    ("a: 1\nb: *x", 2, ALIAS),  # an alias without its anchor
    ("a: [1, *x]", 1, ALIAS),
    ("*x : 1", 1, ALIAS),
]


@pytest.mark.parametrize("text, line, message", REFUSED_AFTER_COMPOSING)
def test_what_the_events_refuse_is_refused_the_same_when_composed_at_once(text: str, line: int, message: str) -> None:
    assert plainly_shallow(text)  # the shortcut is tried…
    data, lines, errors = parse_yaml(text, "f.yaml", 3)
    assert (data, lines) == (None, {})
    assert [(e.line, e.field, e.message) for e in errors] == [(line + 3, "yaml", message)]
    checked = _refused_construct(text, "f.yaml", 3)  # …and says what the pass over the events says
    assert checked is None or checked == errors[0]


@pytest.mark.parametrize("text", [
    "a: &x 1", "a: &x 1\nb: *x", "a: !!binary aGk=", "a: !!python/name:os.system", "a: !x 1", "a: !!str 1",
    "- " * (COMPOSABLE + 1) + "a", "a: " + "[" * (COMPOSABLE + 1),
])
def test_anchors_tags_and_many_openers_always_go_through_the_events(text: str) -> None:
    assert not plainly_shallow(text)


@pytest.mark.parametrize("text", [
    "- " * MAX_YAML_DEPTH + "c",  # as deep as allowed
    "[" * (MAX_YAML_DEPTH - 1) + "a" + "]" * (MAX_YAML_DEPTH - 1) + ": b",
    "summary: >-\n  **Le festival** *durable*\n  * une liste ?\nthemes: [a, b]\n'c': {d: [e]}",  # « * » in texts
    "a: 2021-02-30\nb: 1\nb: 2\nc: \"\\x07\"",  # errors of values, told by the construction
    "",
])
def test_composed_at_once_or_through_the_events_a_text_reads_the_same(text: str, monkeypatch) -> None:
    assert plainly_shallow(text)
    quick = parse_yaml(text, "f.yaml", 1)
    monkeypatch.setattr(yaml_lines, "plainly_shallow", lambda _text: False)
    assert parse_yaml(text, "f.yaml", 1) == quick


@pytest.mark.parametrize("front, field, said", [
    ("summary: Un texte. Lorem\n  ipsum dolor.", "summary", "Lorem ipsum"),  # a plain text's lines folded
    ("summary: >\n  Texte. Lorem\n  ipsum dolor.", "summary", "Lorem ipsum"),
    ('summary: "Texte TO\\\n  DO"', "summary", "TODO"),  # an escaped line end joins the words
    ('summary: "\\x54ODO"', "summary", "TODO"),
    ('porteur: "contact@ex\\u0061mple.com"', "porteur", "contact@example.com"),
])
def test_placeholders_made_by_folding_or_escapes_are_found(front: str, field: str, said: str) -> None:
    text = f"---\ntitle: Atelier\n{front}\n---\nCorps.\n"
    data, lines, body, body_line, errors = yaml_lines.split_front_matter(text, "content/laureates/a.md")
    assert not errors
    found = scan_placeholders("content/laureates/a.md", "laureate", text, data, lines, body, body_line)
    assert [(e.line, e.field) for e in found] == [(3, field)] and said in found[0].message


def test_a_reference_to_a_control_character_is_found_and_a_body_without_one_has_none() -> None:
    assert [p.line for p in scan_body("Un texte.\n\nDeux &#x1C; trois.\n").problems] == [2]
    assert scan_body("Un texte & un autre, &amp; **gras**.\n").problems == ()


@pytest.mark.parametrize("text, front, body, body_line", [
    ("---\na: 1\n---\nCorps\n", {"a": 1}, "Corps\n", 4),
    ("---\na: 1\n---", {"a": 1}, "", 4),  # closed on the last line
    ("---\n---\n\nCorps", {}, "\nCorps", 3),  # no fields
    (" --- \na: 1\n... \t\u00a0\nCorps", {"a": 1}, "Corps", 4),  # spaces around the marks, « ... » closes too
    ("---\na: 1\n--- b\n---\nCorps", None, "Corps", 5),  # « --- b » does not close
])
def test_front_matter_is_split_at_its_closing_line(text: str, front: object, body: str, body_line: int) -> None:
    data, _lines, found_body, found_line, _errors = yaml_lines.split_front_matter(text, "content/pages/a.md")
    assert (found_body, found_line) == (body, body_line)
    if front is not None:
        assert data == front


@pytest.mark.parametrize("said", [
    "Lorem Ipsum", "lorem  ipsum", "Lorem\u00a0ipsum", "À ComPLÉTER", "xXx", "contact@EXAMPLE.COM", "site.INVALID",
    "http://LOCALHOST", "http://Exemple.FR",
])
def test_placeholders_are_found_in_any_case_as_their_patterns_say(said: str) -> None:
    """The words that tell where to search are found in any case, as the patterns that then search ignore it
    (« Lorem Ipsum », an address in capitals were missed: only some spellings of the words were looked for)."""
    text = f"---\ntitle: Atelier\nsummary: « {said} »\n---\nCorps : {said} ici\n"
    data, lines, body, body_line, errors = yaml_lines.split_front_matter(text, "content/laureates/a.md")
    assert not errors
    found = scan_placeholders("content/laureates/a.md", "laureate", text, data, lines, body, body_line)
    assert [(e.line, e.field) for e in found] == [(3, "summary"), (5, "texte")]
    assert all(f"« {said} »" in e.message for e in found)


@pytest.mark.parametrize("text, reference", [
    ('<span title="&#x1C;">a</span>', "&#x1C;"), ("<p>&#28;</p>", "&#28;"), ("<p>&#x1C</p>", "&#x1C"),
    ("<p>a&#28b</p>", "&#28"), ("<p>&#x000000001C;</p>", "&#x000000001C;"), ("<p>&#x7f;</p>", "&#x7f;"),
    ("<p>&#x81;</p>", "&#x81;"), ("<br>\n\nUn texte &#x1C;.", "&#x1C;"),
    ("a<!--> <p>b</p>\n\n* &#x85;", "&#x85;"),  # « <!--> » is a whole comment: what follows is published
])
def test_a_reference_to_a_control_character_in_raw_html_is_found(text: str, reference: str) -> None:
    """The converter leaves raw HTML's references as typed; the sanitizer decodes them, and publishes what they
    stand for: they are found too (they were looked for only when the converter's page had a control character)."""
    assert INVISIBLE.search(markdown_to_html(text))  # what the site publishes has one
    assert [p.message.split(" est ")[0] for p in scan_body(text).problems] == [f"« {reference} »"]


@pytest.mark.parametrize("text", ["<p>&#150;</p>", "<p>&#0;</p>", "<br>&#" + "9" * 6000 + ";", "<p>&amp;#x1C;</p>"])
def test_references_an_html_parser_reads_as_visible_are_not_refused(text: str) -> None:
    """An HTML parser reads 0 as « � » and 128 to 159 as Windows-1252 (« &#150; » is « – »); thousands of digits
    are beyond every character (and are not converted)."""
    assert not INVISIBLE.search(markdown_to_html(text))
    assert scan_body(text).problems == ()


@pytest.mark.parametrize("body, line, hidden", [
    ("<!-->\n\nLorem ipsum dolor\n", 6, False),  # « <!--> » is a whole comment
    ("Texte <!---> Lorem ipsum\n", 4, False),
    ("<!-- note --!> TODO\n", 4, False),  # « --!> » ends one too
    ("Texte <!-- note\n\nTODO\n", 6, False),  # never closed in its paragraph: « <!-- » is text
    ("<!-- À confirmer : TODO -->\nTexte\n", 0, True),
    ("<!--\nTODO\n\nXXX\n-->\nTexte", 0, True),
    ("Texte <!-- TODO --> fin", 0, True),
])
def test_a_placeholder_is_hidden_only_by_a_comment_the_page_drops(body: str, line: int, hidden: bool) -> None:
    """A comment ends where the sanitizer's HTML parser ends it, and « <!-- » in a paragraph is a comment only when
    closed there: what follows was taken for a comment, and its placeholders reached the published page unflagged."""
    text = f"---\ntitle: A\n---\n{body}"
    data, lines, found_body, body_line, _errors = yaml_lines.split_front_matter(text, "content/pages/a.md")
    found = scan_placeholders("content/pages/a.md", "page", text, data, lines, found_body, body_line)
    assert [e.line for e in found] == ([] if hidden else [line])
    published = markdown_to_html(found_body)
    assert ("TODO" in published or "Lorem" in published) is not hidden


def test_only_the_characters_the_words_quick_look_expects_lower_or_match_to_their_letters() -> None:
    """``_may_hold_words`` looks for the words in the text's UTF-8: no other character than « İ » (which it leaves
    to the patterns) may become one of their letters when lowered (``_TRIGGER``) or ignoring case (``_ANY_CASE``)."""
    letters = set(b"".join(placeholders._LITERALS).decode())
    matches = [re.compile(re.escape(letter), re.I).fullmatch for letter in letters if letter.isalpha()]
    lowered, any_case = set(), set()
    for code in range(0x80, 0x110000):
        char = chr(code)
        if 0xD800 <= code < 0xE000:
            continue
        if len(char.lower()) != 1 or letters & set(char.lower()):
            lowered.add(char)
        if any(match(char) for match in matches):
            any_case.add(char)
    assert lowered == {placeholders._SEARCHED_ALWAYS}
    assert any_case == {"\u0130", "\u0131", "\u017f"}  # « ı », « ſ » only on the path « İ » takes (its length)


@pytest.mark.parametrize("text", [
    "Lorem \u00a0 IPSUM", "fİxme", "İnvalid TODO", "lorem ıpsum İ", "loc\u017fal x.example.com", "a\udcff TODO",
    "http://127.0.0.1/", "XX juin", "xXx", "À COMPLÉTER", "le formulaire à compléter", "Lor<!-- -->em ipsum", "", "é",
])
def test_a_text_the_quick_look_passes_holds_no_placeholder(text: str, monkeypatch) -> None:
    found = list(placeholders._found(text))
    monkeypatch.setattr(placeholders, "_may_hold_words", lambda _text: True)
    assert list(placeholders._found(text)) == found


def test_a_word_whose_letters_lower_to_others_is_searched_without_failing() -> None:
    """« fİxme » (« İ » lowers to two characters) and « fıxme » match a word ignoring case, and their first letters
    lowered name no kind of placeholder: the reading stopped on a KeyError."""
    assert placeholders.find_in("fİxme, fıxme : İ TODO") == ["TODO"]


def test_the_quick_look_misses_no_word_of_random_texts() -> None:
    """Texts made of the words' pieces, in any case, among the characters that lower or match oddly: whenever
    ``_may_hold_words`` says none, the patterns that tell where to search find none either."""
    import random

    pieces = ["x", "X", "xx", "fi", "FI", "xme", "ample", "emple", "co", "mpl", "nvalid", "ocalhost", "//", "127.",
              "to", "do", "TODO", "or", "em", " ", "\n", "\u00a0", "ipsum", "İ", "ı", "ſ", "\u212a", "é", "É", "a", "."]
    rng = random.Random(17)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        small = text.lower()
        trigger = (placeholders._TRIGGER.search(small) if len(small) == len(text)
                   else placeholders._TRIGGER_ANY_CASE.search(text))
        assert placeholders._may_hold_words(text) or trigger is None, text


@pytest.mark.parametrize("rel", ["content/laureates/a.md", "a.md", ".md", "a.", "a", "a/..", "a/.", "a/", "", "/",
                                 "a//b.c", "x/.hidden", "x/a.b.c", "..", "a/b/..md", ".", "./a.md", "a/.b.", "..."])
def test_a_file_names_stem_is_its_paths(rel: str) -> None:
    from pathlib import PurePosixPath

    from vitrine.content.read import _stem

    assert _stem(rel) == PurePosixPath(rel).stem
