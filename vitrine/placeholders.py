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

« À confirmer » markers (YAML comments, ``<!-- … -->`` in Markdown) are notes,
never placeholders: comments are not published, so they are not read here.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

from .errors import ContentError, field_name

FILL = "À compléter"  # what ``new`` writes in the texts to write
EXAMPLE_MARK = "# exemple à remplacer"  # what ``new`` writes after an example value, on its line

_ACUTE = "[\u0300\u0301]?"  # an accent typed as a combining character (NFD text)
_FILL = rf"[aàâ]\u0300?\s+compl[eéèê]{_ACUTE}ter(?!\w)"
_HOST = (r"(?:[a-z0-9-]+\.)*(?:[a-z0-9-]+\.(?:invalid|example|localhost)|ex[ae]mple\.(?:com|org|net|fr))"
         r"(?![\w-]|\.[\w-])")
_PLACEHOLDER = re.compile(
    # « à compléter » standing for a value: at the start of the text or of a line, or after a punctuation mark
    rf"(?:^|[^\w\s'’])[^\S\n]*(?P<fill>{_FILL})"
    rf"|(?-i:(?P<shout>(?<!\w)[AÀ]\u0300?\s+COMPL[EÉÈÊ]{_ACUTE}TER(?!\w)))"  # in capitals: anywhere
    rf"|(?P<address>(?<![\w.@-])(?:[\w.+-]+@|https?://|//)?{_HOST}"
    r"|(?:https?:)?//(?:localhost|127\.\d+\.\d+\.\d+)(?![\w.-]))"
    r"|(?P<mark>(?<!\w)(?:x{3,6}|(?-i:XX|TODO|FIXME))(?!\w)|\blorem ipsum\b)",
    re.I | re.M)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)  # not published (and where « À confirmer » notes live)
_EXAMPLE = re.compile(r"\s#\s*exemple\s+[àa]\u0300?\s+remplacer\s*$", re.I | re.M)  # ending a line


def find(files: Iterable[Any]) -> list[ContentError]:
    """Every placeholder left in the files that are published (``SourceFile``: drafts are skipped), as warnings."""
    found: list[ContentError] = []
    for f in files:
        if not isinstance(f.data, (dict, list)) or isinstance(f.data, dict) and f.data.get("draft") is True:
            continue
        for keys, value in _strings(f.data, ()):
            for match in _PLACEHOLDER.finditer(value):
                found.append(_problem(f.path, f.line(*keys), field_name(keys), match))
        if f.body:
            body = _HTML_COMMENT.sub(_blank, f.body) if "<!--" in f.body else f.body
            for match in _PLACEHOLDER.finditer(body):
                at = match.start(match.lastgroup or 0)
                found.append(_problem(f.path, f.body_line + body.count("\n", 0, at), "texte", match))
        for line in getattr(f, "examples", ()):
            found.append(ContentError(f.path, line, _field_at(f, line), "valeur d'exemple écrite par « new » laissée "
                                      "en place", f"remplacez-la par la vraie valeur, puis retirez le commentaire "
                                      f"« {EXAMPLE_MARK} »", warning=True))
    return sorted(set(found))


def find_in(text: str) -> list[str]:
    """The placeholders in one text (a command-line value), as written."""
    return [match.group(match.lastgroup or 0) for match in _PLACEHOLDER.finditer(text)]


def example_lines(text: str, body_line: int) -> tuple[int, ...]:
    """The lines of a file's front matter (before ``body_line``) that carry ``new``'s example mark."""
    if not _EXAMPLE.search(text):  # the commonest case, in one pass in C
        return ()
    head = text.split("\n")[:body_line - 1]
    return tuple(number for number, line in enumerate(head, start=1)
                 if not line.lstrip().startswith("#") and _EXAMPLE.search(line))  # after a value, not in a comment


def _problem(path: str, line: int, field: str, match: re.Match) -> ContentError:
    text = match.group(match.lastgroup or 0)
    if match.lastgroup == "address":
        return ContentError(path, line, field, f"adresse d'exemple « {text} » laissée en place : ce domaine est "
                            "réservé aux exemples et n'existe pas", "remplacez-la par la vraie adresse avant de publier",
                            warning=True)
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
            yield from _strings(item, keys + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, keys + (i,))


def _field_at(source: Any, line: int) -> str:
    """The field written on ``line`` (the deepest key there), else ``fichier``."""
    keys = [k for k, at in source.lines.items() if at == line and k]
    return field_name(min(keys, key=len)) if keys else "fichier"
