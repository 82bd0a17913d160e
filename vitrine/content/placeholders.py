"""Placeholders: values that stand for something still to write, which the published site must not show.

A build lists them as warnings; ``build --deploy`` (the deploy workflows' build)
refuses to publish while any is left; ``check`` lists them, ``check --strict``
fails on them. Files still in draft are not published, so they may keep theirs.
What counts as one:

- « À compléter », in any case, with or without accents, when it stands for the
  value (``Hébergement : à compléter.``, ``title: "A COMPLETER"``), not inside a
  sentence (« le formulaire à compléter » is text);
- an address on a domain reserved for examples, which does not exist
  (RFC 2606/6761: ``*.invalid``, ``*.example``, ``*.localhost``, ``example.com``,
  ``.org``, ``.net``, and the French guide's ``exemple.fr``), in an e-mail, a web
  address or a text, and the preview's own ``http://localhost…`` or ``127.0.0.1``;
- ``XXX`` (3 to 6; or ``XX`` in capitals: « le XX juin »; not ``XXe``), ``TODO``, ``FIXME`` and « Lorem ipsum »;
- the example values ``new`` writes (quartiers, themes, edition), which validate:
  they are recognised by the comment ``# exemple à remplacer`` on their line.

« À confirmer » notes (the ``a_confirmer`` field, YAML comments, ``<!-- … -->`` in
Markdown) are never placeholders: they are not published, so they are not read here.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator, Mapping

from vitrine.content.schema import NOTES
from vitrine.errors import ContentError, field_name

FILL = "À compléter"  # what ``new`` writes in the texts to write
EXAMPLE_MARK = "# exemple à remplacer"  # what ``new`` writes after an example value, on its line

_ACUTE = "[\u0300\u0301]?"  # an accent typed as a combining character (NFD text)
_FILL = re.compile(
    # « à compléter » standing for a value: at the start of the text or of a line, or after a punctuation mark
    rf"(?:^|[^\w\s'’])[^\S\n]*(?P<fill>[aàâ]\u0300?\s+compl[eéèê]{_ACUTE}ter(?!\w))"
    rf"|(?-i:(?P<shout>(?<!\w)[AÀ]\u0300?\s+COMPL[EÉÈÊ]{_ACUTE}TER(?!\w)))",  # in capitals: anywhere
    re.I | re.M)
# Where an address on a reserved domain ends; the address is then read back to where it starts (``_address_start``).
_ADDRESS = re.compile(r"(?:(?<=[\w-])\.(?:invalid|example|localhost)|(?<![\w-])ex[ae]mple\.(?:com|org|net|fr))"
                      r"(?![\w-]|\.[\w-])|//(?:localhost|127\.\d+\.\d+\.\d+)(?![\w.-])", re.I)
_ADDRESS_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-@/:%")
_MARK = re.compile(r"(?<!\w)(?:x{3,6}|(?-i:XX|TODO|FIXME))(?!\w)|\blorem[^\S\n]+ipsum\b", re.I)
# What each kind of placeholder contains, in any case (the patterns above ignore it): only the lines holding one of
# these words are searched (one pass in C over the text in small letters, then a few characters around what it
# found). Each is told by its first two letters.
_WORDS = ("ompl", "nvalid", "xample", "xemple", "ocalhost", r"//127\.", "xx", "todo", "fixme", r"orem[^\S\n]+ipsum")
_KIND_OF_WORD = {"om": _FILL, "nv": _ADDRESS, "xa": _ADDRESS, "xe": _ADDRESS, "oc": _ADDRESS, "//": _ADDRESS,
                 "xx": _MARK, "to": _MARK, "fi": _MARK, "or": _MARK}
_TRIGGER = re.compile("|".join(_WORDS))  # in ``text.lower()``: a pattern ignoring case would cost ten times more
# Where ``lower`` changes the length (« İ »: two characters); each word its group: the letters matched may not lower
# to the word's (« fİxme », « fıxme » ignoring case: the first two lower to « fi̇ », « fı », which are no key)
_TRIGGER_ANY_CASE = re.compile("|".join(f"({word})" for word in _WORDS), re.I)
_KIND_OF_GROUP = {i: _KIND_OF_WORD[word[:2]] for i, word in enumerate(_WORDS, start=1)}
# The same words in a file, where a value's line break is still a line break (« Lorem\n  ipsum » is « Lorem ipsum »)
_IN_VALUES = re.compile("|".join(_WORDS).replace(r"[^\S\n]+", r"\s+"))
# Each word's letters as bytes, which any of its spellings holds in a text's UTF-8 in small ASCII letters: a few
# searches in C (``bytes in``) tell a text without any (most texts) three times faster than lowering it for
# ``_TRIGGER``. Sound as no character but « İ » (U+0130) lowers to, or matches ignoring case, one of their letters
# (« K » U+212A lowers to « k »); « İ », « ı » and « ſ » match « i » and « s » ignoring case (``_TRIGGER_ANY_CASE``):
# a text with « İ » is searched as always. tests/content/test_reading_shortcuts.py checks both claims.
_LITERALS = tuple(word.split("[")[0].replace("\\", "").encode() for word in _WORDS)
# Those with an « x » (a rare letter: a few in a text) are looked for where each « x » is, the others each in a pass
_X_STARTS = tuple(word for word in _LITERALS if word.startswith(b"x"))  # xample, xemple, xx
_X_THIRD = b"fixme"
_WITHOUT_X = tuple(word for word in _LITERALS if b"x" not in word)
assert set(_LITERALS) == {*_X_STARTS, _X_THIRD, *_WITHOUT_X} and _X_THIRD.find(b"x") == 2
_SEARCHED_ALWAYS = "\u0130"
_REACH = 40  # how far before its word a placeholder may start (« : à co|mpléter », « L|orem »)
# What is not published (and where « À confirmer » notes live): a comment as the sanitizer's parser ends it (« <!--> »
# and « <!---> » whole, « --!> » ends one too); one that starts a line (a block: to the end if never closed), or
# closed before a blank line (else the converter shows « <!-- » as text)
_HTML_COMMENT = re.compile(r"^ {0,3}<!--(?:-?>|.*?(?:--!?>|\Z))|<!--(?:-?>|(?:(?!\n[^\S\n]*\n).)*?--!?>)",
                           re.S | re.M)
_EXAMPLE = re.compile(r"\s#\s*exemple\s+[àa]\u0300?\s+remplacer\s*$", re.I | re.M)  # ending a line


def find(files: Iterable[Any]) -> list[ContentError]:
    """Every placeholder left in the files that are published (``SourceFile``: drafts are skipped), as warnings.

    Each file's were found when it was read (``scan``), and are kept with it in the cache."""
    found: list[ContentError] = []
    for f in files:
        if f.placeholders and not (isinstance(f.data, dict) and f.data.get("draft") is True):
            found += f.placeholders
    return sorted(found)


def scan(path: str, kind: str, text: str, data: Any, key_lines: Mapping[tuple, int], body: str,
         body_line: int) -> tuple[ContentError, ...]:
    """The placeholders of one content file (``text``, parsed into ``data`` and ``body``), as warnings, whether
    it is a draft or not."""
    found = []
    head = text[:len(text) - len(body)]  # the front matter (or the whole YAML file): the body is the end of the text
    # Without an escape (« \\ »), a value's characters are the file's, with line breaks folded into spaces: when
    # the file has none of the words, no value has one, and the walk through the values is not needed.
    values = data if "\\" in head or _may_hold_words(head) and _IN_VALUES.search(head.lower()) else None
    for keys, value in _strings(values, ()):
        line = None
        for _, kind_of, said in _found(value):
            line = line or _line(key_lines, keys)
            found.append(_problem(path, line, field_name(keys), kind_of, said))
    if body:
        shown = _HTML_COMMENT.sub(_blank, body) if "<!--" in body else body
        found += [_problem(path, body_line + shown.count("\n", 0, at), "texte", kind_of, said)
                  for at, kind_of, said in _found(shown)]
    if kind in ("laureate", "edition", "page"):
        found += [ContentError(path, line, _field_at(key_lines, line), "valeur d'exemple écrite par « new » "
                               "laissée en place", "remplacez-la par la vraie valeur, puis retirez le commentaire "
                               f"« {EXAMPLE_MARK} »", warning=True) for line in _example_lines(head)]
    return tuple(sorted(set(found)))


def find_in(text: str) -> list[str]:
    """The placeholders in one text (a command-line value), as written."""
    return [said for _, _, said in _found(text)]


def _found(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, kind, text) of each placeholder in ``text``: each pattern is tried only from a little before the
    first of its words on a line to the line's end."""
    if not _may_hold_words(text):
        return
    searched: dict[re.Pattern, int] = {}  # how far each pattern has been tried
    small = text.lower()
    any_case = len(small) != len(text)
    words = _TRIGGER_ANY_CASE.finditer(text) if any_case else _TRIGGER.finditer(small)
    for word in words:  # at the same offsets in ``small`` as in ``text``
        pattern = _KIND_OF_GROUP[word.lastindex] if any_case else _KIND_OF_WORD[word.group()[:2]]
        if word.start() < searched.get(pattern, 0):
            continue
        start = max(text.rfind("\n", 0, word.start()) + 1, word.start() - _REACH, searched.get(pattern, 0))
        end = text.find("\n", word.end())
        end = len(text) if end < 0 else end
        for match in pattern.finditer(text, start, end):
            if pattern is _ADDRESS:
                at = _address_start(text, match.start())
                yield at, "address", text[at:match.end()]
            else:
                kind = match.lastgroup or "mark"
                yield match.start(kind if match.lastgroup else 0), kind, match.group(kind if match.lastgroup else 0)
        searched[pattern] = end


def _may_hold_words(text: str) -> bool:
    """Whether ``text`` may hold one of ``_WORDS`` (in any case): False only when it surely holds none."""
    if _SEARCHED_ALWAYS in text:
        return True
    small = text.encode("utf-8", "surrogatepass").lower()  # a command-line value may hold lone surrogates
    if any(word in small for word in _WITHOUT_X):
        return True
    x = small.find(b"x")
    while x >= 0:
        if small.startswith(_X_STARTS, x) or x >= 2 and small.startswith(_X_THIRD, x - 2):
            return True
        x = small.find(b"x", x + 1)
    return False


def _address_start(text: str, at: int) -> int:
    """Where the e-mail or web address that holds ``at`` starts."""
    while at > 0 and text[at - 1] in _ADDRESS_CHARS:
        at -= 1
    while text[at] in "._+-@/:%" and at < len(text) - 1 and not text.startswith("//", at):
        at += 1  # punctuation before the address is not part of it
    return at


def _example_lines(head: str) -> tuple[int, ...]:
    """The lines of a file's front matter that carry ``new``'s example mark after a value."""
    if "#" not in head or not _EXAMPLE.search(head):  # the mark's « # »: a search in C, ten times quicker
        return ()
    return tuple(number for number, line in enumerate(head.split("\n"), start=1)
                 if not line.lstrip().startswith("#") and _EXAMPLE.search(line))  # after a value, not in a comment


def _line(key_lines: Mapping[tuple, int], keys: tuple) -> int:
    """The line of the deepest known key along ``keys``, as ``SourceFile.line`` gives it."""
    for end in range(len(keys), 0, -1):
        if keys[:end] in key_lines:
            return key_lines[keys[:end]]
    return 1


def _problem(path: str, line: int, field: str, kind: str, text: str) -> ContentError:
    if kind == "address":
        return ContentError(path, line, field, f"adresse d'exemple « {text} » laissée en place : ce domaine est "
                            "réservé aux exemples et n'existe pas",
                            "remplacez-la par la vraie adresse avant de publier", warning=True)
    return ContentError(path, line, field, f"texte « {text} » laissé en place",
                        "remplacez-le par le vrai texte avant de publier", warning=True)


def _blank(match: re.Match) -> str:
    """A comment replaced by its line ends only: the lines after it keep their numbers."""
    return "\n" * match.group().count("\n")


def _strings(value: Any, keys: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield keys, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != NOTES:  # the editors' notes are never published: « adresse à compléter » may be one
                yield from _strings(item, keys + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, keys + (i,))


def _field_at(key_lines: Mapping[tuple, int], line: int) -> str:
    """The field written on ``line`` (the shortest key there: the one the line starts with), else ``fichier``."""
    keys = [k for k, at in key_lines.items() if at == line and k]
    return field_name(min(keys, key=len)) if keys else "fichier"
