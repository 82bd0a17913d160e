"""YAML (and JSON) parsed keeping the line of every key, so that every error points at its line; front matter split
from a Markdown body. Refuses what content never needs and what could exhaust the machine."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from vitrine.content.text import INVISIBLE
from vitrine.content.yaml_depth import MAX_YAML_DEPTH, nesting, plainly_shallow, too_deep
from vitrine.content.yaml_plain import plain_fields
from vitrine.errors import ContentError, field_name


KeyPath = tuple[Any, ...]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML's problems, in the words an editor can act on, keyed by how the problem starts. Both parsers are
# listed: LibYAML's (the C loader, used when available) and PyYAML's own words differ. The last item says
# whether the problem is best located where the construct opens (an unclosed quote or bracket) rather
# than where the parser gave up (often the end of the file).
_QUOTE_HINT = "mettez la valeur entre guillemets"

_INDENT = ("indentation incohérente", "alignez les champs d'un même groupe sur la même colonne", False)


YAML_PROBLEMS = (
    ("mapping values are not allowed", "deux-points inattendu",
     "mettez la valeur entre guillemets si elle contient « : »", False),
    ("could not find expected ':'", "il manque « : » après le nom d'un champ",
     "écrivez « nom: valeur », une paire par ligne", False),
    ("found unexpected end of stream", "texte non terminé", "un guillemet ouvert n'est-il pas refermé ?", True),
    ("did not find expected ',' or ']'", "crochet « [ » non refermé",
     "refermez la liste par « ] », ou mettez la valeur entre guillemets", True),
    ("did not find expected ',' or '}'", "accolade « { » non refermée",
     "refermez par « } », ou mettez la valeur entre guillemets", True),
    ("expected <block end>", *_INDENT),
    ("did not find expected key", *_INDENT),
    ("did not find expected '-' indicator", *_INDENT),
    ("expected a single document", "plusieurs documents YAML dans un seul fichier",
     "retirez la ligne --- du milieu du fichier", False),
    ("found undefined alias", "« * » en début de valeur a un sens spécial en YAML (alias)", _QUOTE_HINT, False),
    ("did not find expected alphabetic or numeric character",
     "« * » ou « & » en début de valeur a un sens spécial en YAML (ancre ou alias)", _QUOTE_HINT, False),
    ("found unknown escape character", "séquence « \\ » inconnue dans un texte entre guillemets doubles",
     "mettez le texte entre guillemets simples ' ', ou écrivez « \\\\ » pour une barre oblique inverse", False),
    ("did not find expected hexdecimal number", "séquence « \\x », « \\u » ou « \\U » incomplète entre guillemets doubles",
     "mettez le texte entre guillemets simples ' ', ou écrivez « \\\\ » pour une barre oblique inverse", False),
    ("block sequence entries are not allowed", "tiret « - » inattendu",
     "une liste commence à la ligne qui suit le nom du champ ; mettez entre guillemets une valeur qui commence par "
     "« - »", False),
    ("did not find expected node content", "valeur manquante dans une liste ou un groupe",
     "retirez la virgule en trop, ou mettez la valeur entre guillemets", False),
    ("did not find expected comment or line break", "texte inattendu en fin de ligne",
     "mettez toute la valeur entre guillemets", False),
)
# Any other problem (the parser's words are English and vary with its version): a French message, still located.
_UNKNOWN_PROBLEM = ("YAML invalide : syntaxe non reconnue",
                    "chaque champ s'écrit « nom: valeur » ; mettez entre guillemets une valeur qui contient « : » ou « # »")
# The json module's problems (English), in French: an unknown one gets a generic message, never the English words.
JSON_PROBLEMS = (
    ("Expecting ',' delimiter", "virgule attendue"),
    ("Expecting ':' delimiter", "deux-points attendu"),
    ("Expecting property name", "nom de propriété entre guillemets doubles attendu"),
    ("Expecting value", "valeur attendue"),
    ("Unterminated string", "texte non terminé"),
    ("Extra data", "données en trop après la fin"),
    ("Invalid control character", "caractère de contrôle dans un texte"),
    ("Invalid \\escape", "séquence « \\ » invalide dans un texte"),
)


# Explicit tags an editor may write (``!!str 2021``); anything else (``!!binary``, ``!!python/…``) is refused.
_ALLOWED_TAGS = {None, "!"} | {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")}


def split_front_matter(text: str, rel: str) -> tuple[Any, dict, str, int, list[ContentError]]:
    """Split ``---`` YAML front matter from the Markdown body."""
    if not text.strip():
        return None, {}, "", 1, [ContentError(rel, 1, "fichier", "fichier vide",
                                             "un fichier de contenu commence par ses champs entre deux lignes ---")]
    first_end = text.find("\n")  # the text is not cut into lines: a body's hundred lines would be joined again
    if (text if first_end < 0 else text[:first_end]).strip() != "---":
        return None, {}, "", 1, [ContentError(rel, 1, "fichier", "pas de champs en tête du fichier",
                                             "la première ligne doit être --- (avez-vous oublié les --- ?)")]
    closing = _CLOSING.search(text, first_end) if first_end >= 0 else None
    if closing is None:
        return None, {}, "", 1, [ContentError(rel, 1, "fichier", "les champs en tête du fichier ne sont pas refermés",
                                             "ajoutez une ligne --- après le dernier champ")]
    data, key_lines, errors = parse_yaml(text[first_end + 1:closing.start()], rel, 1)
    body_start = text.find("\n", closing.end()) + 1  # 0: the closing line is the last
    body = text[body_start:] if body_start else ""
    return data, key_lines, body, text.count("\n", 0, closing.start()) + 3, errors


# The line that closes front matter: ``---`` or ``...``, then only spaces (as ``str.rstrip`` reads them)
_CLOSING = re.compile(r"\n(?:---|\.\.\.)[^\S\n]*(?=\n|\Z)")


def parse_yaml(text: str, rel: str, line_offset: int) -> tuple[Any, dict, list[ContentError]]:
    """Parse YAML keeping the 1-based file line of every key; duplicate keys are errors.

    A first pass over the parser's events refuses what content never needs and
    what could exhaust the machine: aliases (« billion laughs »), anchors, unusual
    tags and deep nesting (libyaml's composer recurses in C and would crash).
    A text that plainly holds none of them (``plainly_shallow``: most files) is
    composed at once, its depth checked as it is constructed; one that holds any
    goes back to the first pass, which tells it as always. A text of the plainest fields is read without LibYAML.
    """
    plain = plain_fields(text, line_offset)
    if plain is not None:
        return plain[0], _shared_keys(plain[1]), []
    if plainly_shallow(text):
        try:
            return _parsed(text, rel, line_offset)
        except Exception:  # noqa: BLE001 - not swallowed: the checked way below meets the same problem, or
            pass  # refuses first what it refuses (too deep), and says it as always
    try:
        refused = _refused_construct(text, rel, line_offset)
        if refused:
            return None, {}, [refused]
        return _parsed(text, rel, line_offset)
    except yaml.MarkedYAMLError as exc:
        return None, {}, [_yaml_error(exc, text, rel, line_offset)]
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1 + line_offset
        return None, {}, [ContentError(rel, line, "yaml", f"YAML invalide : caractère interdit (U+{exc.character:04X})"
                                       if isinstance(exc.character, int) else "YAML invalide : caractère interdit",
                                       "supprimez ce caractère invisible")]
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        return None, {}, [ContentError(rel, line_offset + 1, "yaml", "YAML illisible",
                                       "vérifiez la syntaxe « nom: valeur » des champs")]


def _parsed(text: str, rel: str, line_offset: int) -> tuple[Any, dict, list[ContentError]]:
    """``text`` composed by LibYAML and constructed keeping lines; raises ``_Deeper`` on nesting deeper than
    ``MAX_YAML_DEPTH``, which only a text not checked by ``_refused_construct`` can reach."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}, []
        lines: dict[KeyPath, int] = {}
        errors: list[ContentError] = []
        data = _construct(loader, node, (), lines, errors, rel, line_offset)
        return data, _shared_keys(lines), errors
    finally:
        loader.dispose()


class _Deeper(Exception):
    """A text composed without ``_refused_construct`` nests deeper than ``MAX_YAML_DEPTH``."""


_KEY_PATHS: dict[KeyPath, KeyPath] = {}
_MAX_KEY_PATHS = 10_000


def _shared_keys(lines: dict[KeyPath, int]) -> dict[KeyPath, int]:
    """The same key paths (``("title",)``…) as one object across files: kept in ``.vitrine-cache/``, thousands of
    files then store and load each one once instead of once per file."""
    if len(_KEY_PATHS) > _MAX_KEY_PATHS:
        return lines
    return {_KEY_PATHS.setdefault(keys, keys): line for keys, line in lines.items()}


def _refused_construct(text: str, rel: str, offset: int) -> ContentError | None:
    deep = too_deep(text)
    if deep is not None:  # before the parser: it has a limit of its own, and its own words
        return _too_deep_error(rel, deep + offset)
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            kind = type(event)
            # Most events are plain scalars and collections, untagged: one look at each, their line only if refused
            if kind is yaml.AliasEvent or kind in _MAY_HAVE_ANCHOR and event.anchor:
                sign = "*" if kind is yaml.AliasEvent else "&"
                return ContentError(rel, _line(event, offset), "yaml", f"YAML invalide : « {sign} » en début de "
                                    "valeur a un sens spécial en YAML (ancre ou alias)", _QUOTE_HINT)
            if kind in _MAY_HAVE_ANCHOR and event.tag not in _ALLOWED_TAGS:
                shown = event.tag.replace("tag:yaml.org,2002:", "!!")
                return ContentError(rel, _line(event, offset), "yaml", f"YAML invalide : étiquette « {shown} » non "
                                    "prise en charge", "retirez-la, ou mettez la valeur entre guillemets si elle "
                                    "commence par « ! »")
            if kind in _COLLECTION_START:
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    return _too_deep_error(rel, _line(event, offset))
            elif kind in _COLLECTION_END:
                depth -= 1
        return None
    finally:
        loader.dispose()


_STR = "tag:yaml.org,2002:str"
# The events that may carry an anchor and a tag, that open and that close a collection
_MAY_HAVE_ANCHOR = frozenset({yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent})
_COLLECTION_START = frozenset({yaml.SequenceStartEvent, yaml.MappingStartEvent})
_COLLECTION_END = frozenset({yaml.SequenceEndEvent, yaml.MappingEndEvent})


def _line(event: yaml.Event, offset: int) -> int:
    return event.start_mark.line + 1 + offset


def _too_deep_error(rel: str, line: int) -> ContentError:
    return ContentError(rel, line, "yaml", "YAML invalide : listes ou groupes imbriqués trop profondément",
                        "un champ contient au plus quelques niveaux de listes ; vérifiez les « [ » et « { »")


def parse_json(text: str, rel: str) -> tuple[Any, dict, list[ContentError]]:
    """Parse a JSON data file (GeoJSON); a syntax error is located to its line."""
    try:
        return json.loads(text), {}, []
    except json.JSONDecodeError as exc:
        problem = next((words for start, words in JSON_PROBLEMS if exc.msg.startswith(start)), "syntaxe non reconnue")
        return None, {}, [ContentError(rel, exc.lineno, "json", f"JSON invalide : {problem}, colonne {exc.colno}",
                                       "exportez le fichier à nouveau au format GeoJSON")]
    except RecursionError:
        return None, {}, [ContentError(rel, 1, "json", "JSON illisible (imbrication trop profonde)")]


def _construct(loader: Any, node: yaml.Node, keys: KeyPath, lines: dict, errors: list, rel: str, offset: int) -> Any:
    lines[keys] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.CollectionNode) and len(keys) >= MAX_YAML_DEPTH:
        raise _Deeper  # never after ``_refused_construct``, which refuses the text at this collection
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            # A key is the text the editor typed: ``null``, ``1`` or ``<<`` are unknown field names, not values.
            if not isinstance(key_node, yaml.ScalarNode) and len(keys) + 1 + nesting(key_node) > MAX_YAML_DEPTH:
                raise _Deeper  # a list or mapping as a key (« [a]: b »): its collections count too
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            key_line = key_node.start_mark.line + 1 + offset
            if key in result:
                if len(keys) + 1 + nesting(value_node) > MAX_YAML_DEPTH:
                    raise _Deeper  # a repeated field's value is not constructed: its depth is told all the same
                errors.append(ContentError(rel, key_line, field_name(keys + (key,)),
                                           f"champ en double (déjà défini ligne {lines[keys + (key,)]})",
                                           "gardez une seule ligne pour ce champ"))
                continue
            lines[keys + (key,)] = key_line
            result[key] = _construct(loader, value_node, keys + (key,), lines, errors, rel, offset)
            lines[keys + (key,)] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, keys + (i,), lines, errors, rel, offset) for i, item in enumerate(node.value)]
    try:  # a text (most values) is the node's own: what ``construct_object`` gives, without its steps
        value = node.value if node.tag == _STR else loader.construct_object(node, deep=True)
    except (ValueError, OverflowError, yaml.YAMLError):  # 2022-02-30, an integer of 5,000 digits…
        shown = str(node.value)[:40]
        if re.fullmatch(r"\d{4}-\d\d?-\d\d?", shown):
            errors.append(ContentError(rel, lines[keys], field_name(keys), f"la date « {shown} » n'existe pas",
                                       "vérifiez le jour et le mois : une date s'écrit année-mois-jour (AAAA-MM-JJ)"))
            return None
        errors.append(ContentError(rel, lines[keys], field_name(keys), f"valeur illisible « {shown} »",
                                   "une date s'écrit AAAA-MM-JJ et doit exister ; mettez entre guillemets un texte "
                                   "qui ressemble à une date ou à un nombre"))
        return None
    invisible = INVISIBLE.search(value) if isinstance(value, str) else None
    if invisible:  # written as an escape ("\x07", "\0") in a quoted value
        errors.append(ContentError(rel, lines[keys], field_name(keys),
                                   f"caractère invisible interdit (U+{ord(invisible.group()):04X})",
                                   "retirez la séquence « \\… » qui le produit dans le texte entre guillemets"))
        return None
    return value


def _yaml_error(exc: yaml.MarkedYAMLError, text: str, rel: str, offset: int) -> ContentError:
    mark = exc.problem_mark or exc.context_mark
    line = (mark.line + 1 if mark else 1) + offset
    problem = (exc.problem or "").strip()
    if "cannot start any token" in problem or "tab character" in problem:
        return _bad_character(text, mark, rel, line)
    for known, message, hint, at_opening in YAML_PROBLEMS:
        if problem.startswith(known):
            if at_opening and exc.context_mark is not None:
                line = exc.context_mark.line + 1 + offset
            return ContentError(rel, line, "yaml", f"YAML invalide : {message}", hint)
    return ContentError(rel, line, "yaml", *_UNKNOWN_PROBLEM)


def _bad_character(text: str, mark: Any, rel: str, line: int) -> ContentError:
    """A tab, or a value starting with a character YAML reserves (``@``, `````, ``%``)."""
    source_lines = text.split("\n")
    source = source_lines[mark.line] if mark is not None and mark.line < len(source_lines) else ""
    if "\t" in source:
        return ContentError(rel, line, "yaml", "YAML invalide : tabulation dans le YAML",
                            "indentez avec des espaces, jamais avec la touche Tab")
    char = source[mark.column] if mark is not None and mark.column < len(source) else ""
    shown = f"« {char} » " if char.strip() else ""
    return ContentError(rel, line, "yaml", f"YAML invalide : caractère {shown}réservé en début de valeur", _QUOTE_HINT)
