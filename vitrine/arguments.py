"""What the command line accepts (``cli.py`` runs it): commands, options and dates, understood or refused in
French (argparse's own words translated while it parses; ``new`` takes French spellings). Standard library only:
the no-change path imports this module."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
import unicodedata
from pathlib import Path
from typing import Iterator, NoReturn, Sequence

from vitrine.errors import did_you_mean


def build_date(value: str | None) -> dt.date:
    """The build date: ``--date``, else ``SOURCE_DATE_EPOCH``, else today."""
    if value:
        return dt.date.fromisoformat(value)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def _date_arg(value: str) -> str:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        day_first = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value.strip())
        written = f"{day_first[3]}-{int(day_first[2]):02}-{int(day_first[1]):02}" if day_first else ""
        hint = f" (écrivez --date {written})" if written and _is_date(written) else ""
        raise argparse.ArgumentTypeError(f"date invalide « {value} » : attendu AAAA-MM-JJ{hint}")
    return value


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _jobs_arg(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"nombre de processus invalide « {value} » : attendu un entier, 1 ou plus")
    return int(value)


COMMANDS = ("build", "serve", "new", "check", "clean-media")
MAINTAINER_COMMANDS = ("vendor-editor",)  # not offered to editors in messages
# French words an editor may try for a command: suggested, not accepted (the guide and the CI say the real ones).
_FRENCH_COMMANDS = {"construire": "build", "publier": "build", "deployer": "build", "verifier": "check",
                    "controler": "check", "nouveau": "new", "nouvelle": "new", "creer": "new", "ajouter": "new",
                    "apercu": "serve", "previsualiser": "serve", "voir": "serve", "servir": "serve"}
# What ``new`` accepts, folded (no accents, lower case, no plural): the French spellings too.
KIND_SPELLINGS = {"laureate": "laureate", "laureat": "laureate", "edition": "edition", "page": "page"}
_KINDS_SAID = "laureate (ou lauréat), edition (ou édition) ou page"
# argparse's own messages (its gettext catalogue's ids), in French: it formats them with its own values.
_FRENCH = {
    "usage: ": "utilisation : ",
    "options": "options",
    "positional arguments": "arguments",
    "show this help message and exit": "afficher cette aide",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s : %(message)s",
    "expected one argument": "il manque sa valeur",
    "expected at least one argument": "il manque au moins une valeur",
    "expected at most one argument": "une seule valeur au plus",
    "expected %s argument": "%s valeur attendue",
    "expected %s arguments": "%s valeurs attendues",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide « %(value)s » (possibles : %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide « %(value)s »",
    "unrecognized arguments: %s": "argument(s) inconnu(s) : %s",
    "the following arguments are required: %s": "argument(s) obligatoire(s) manquant(s) : %s",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë « %(option)s » : %(matches)s ?",
    "ignored explicit argument %r": "valeur en trop « %s »",
    "not allowed with argument %s": "incompatible avec %s",
    "one of the arguments %s is required": "l'un de ces arguments est obligatoire : %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "commande inconnue « %(parser_name)s » (%(choices)s)",
}


@contextlib.contextmanager
def _in_french() -> Iterator[None]:
    """argparse's messages in French while it runs: it looks its words up through gettext (its module's ``_`` and
    ``ngettext``) at the moment it writes them, so they are translated there, and only for as long as it parses."""
    words, plurals = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = lambda message: _FRENCH.get(message, message)  # type: ignore[attr-defined]
    argparse.ngettext = lambda one, many, n: _FRENCH.get(one if n == 1 else many,  # type: ignore[attr-defined]
                                                         one if n == 1 else many)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = words, plurals  # type: ignore[attr-defined]


class Misuse(Exception):
    """A command-line mistake: a French message and its hint (exit 2)."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


class _Parser(argparse.ArgumentParser):
    """Misuse is reported in French, in the ``Erreur : problème — que faire`` form of every other message."""

    def error(self, message: str) -> NoReturn:
        raise Misuse(message, f"aide : {self.prog} --help")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python build.py", description="Construit le site du label Actions innovantes.")
    p.add_argument("--root", type=Path, default=Path.cwd(), metavar="DOSSIER",
                   help="racine du dépôt (par défaut : le dossier courant)")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMANDE")
    b = sub.add_parser("build", help="construire le site dans site/ (commande par défaut)")
    _common(b)
    b.add_argument("--out", type=Path, default=None, metavar="DOSSIER", help="dossier de sortie (par défaut : site/)")
    b.add_argument("--base-url", default=None, metavar="URL",
                   help="remplace base_url de site.yaml (déploiement de prévisualisation)")
    b.add_argument("--deploy", action="store_true",
                   help="construction de publication (intégration continue) : refuse les valeurs provisoires "
                        "(« À compléter », adresses d'exemple…) au lieu de les signaler")
    b.add_argument("--no-cache", action="store_true",
                   help="ignorer .vitrine-cache/ : construction à froid, par les seules étapes (sans la couche de vitesse)")
    b.add_argument("--no-search", action="store_true",
                   help="sans l'index de recherche (vérification rapide ; la page Recherche ne trouvera rien)")
    b.add_argument("--no-catalogue", action="store_true",
                   help="sans le catalogue en PDF des éditions (vérification rapide ; les liens vers le PDF ne "
                        "mènent nulle part : refusé avec --deploy)")
    b.add_argument("--jobs", type=_jobs_arg, default=None, metavar="N",
                   help="nombre de processus de lecture et de rendu (par défaut : un par cœur quand il y a beaucoup de fichiers)")
    c = sub.add_parser("check", help="vérifier le contenu sans rien publier")
    _common(c)
    c.add_argument("--strict", action="store_true", help="les avertissements deviennent des erreurs")
    s = sub.add_parser("serve", help="prévisualiser le site en direct, brouillons compris")
    _common(s)
    s.add_argument("--port", type=_port_arg, default=8000, metavar="PORT", help="port d'écoute (par défaut : 8000)")
    s.add_argument("--host", default="127.0.0.1", metavar="ADRESSE",
                   help="adresse d'écoute (par défaut : 127.0.0.1, cette machine seulement)")
    n = sub.add_parser("new", help="créer une fiche complète à remplir (brouillon)")
    _root(n)
    # Checked by ``new_request``, not by argparse: French spellings, and a message that says what to type.
    n.add_argument("kind", nargs="?", metavar="TYPE", help=_KINDS_SAID)
    # Every word: « new laureat Mon Projet » (no quotes) is one name, refused with its slug as the suggestion.
    n.add_argument("name", nargs="*", metavar="NOM",
                   help="identifiant (slug) du lauréat ou de la page, ou année de l'édition")
    m = sub.add_parser("clean-media", help="retirer des photos de content/media/ leur position GPS et leurs "
                       "métadonnées, sur place")
    _root(m)
    m.add_argument("files", nargs="*", metavar="FICHIER",
                   help="photos à nettoyer (par défaut : toutes celles de content/media/)")
    v = sub.add_parser("vendor-editor", help="mainteneurs : vendoriser Decap CMS (l'éditeur web /admin/) depuis npm")
    v.add_argument("version", nargs="?", default=None, metavar="VERSION", help="version de decap-cms (par défaut : celle en place)")
    return p


def _port_arg(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"port invalide « {value} » : attendu un nombre entre 1 et 65535")
    return int(value)


def _common(p: argparse.ArgumentParser) -> None:
    _root(p)
    p.add_argument("--date", type=_date_arg, default=None, metavar="AAAA-MM-JJ",
                   help="date de construction AAAA-MM-JJ (état des appels à projets) ; sinon SOURCE_DATE_EPOCH ou aujourd'hui")


def _root(p: argparse.ArgumentParser) -> None:
    """``--root`` after the command too (``python build.py check --root DIR``); given before it, it is kept."""
    p.add_argument("--root", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def fold(word: str) -> str:
    """A word as typed, without accents or case: « Lauréat » → ``laureat``."""
    decomposed = unicodedata.normalize("NFKD", word.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def new_kind(kind: str | None, name: str | None) -> str:
    """The kind of file ``new`` makes, from any spelling an editor may type (``lauréat``, ``Édition``, ``pages``)."""
    example = "python build.py new laureate mon-projet"
    if not kind:
        raise Misuse("quel type de fiche créer ?", f"choisissez {_KINDS_SAID}, par exemple : {example}")
    folded = fold(kind)
    found = KIND_SPELLINGS.get(folded) or KIND_SPELLINGS.get(folded.removesuffix("s"))
    if found is None:
        close = did_you_mean(folded, KIND_SPELLINGS)
        guess = f"{close} " if close else ""
        raise Misuse(f"type de fiche inconnu « {kind} »", f"{guess}choisissez {_KINDS_SAID}, par exemple : {example}")
    if not name:
        what = "l'année de l'édition" if found == "edition" else "l'identifiant de la fiche"
        sample = "2024" if found == "edition" else "mon-projet"
        raise Misuse(f"il manque {what}", f"par exemple : python build.py new {found} {sample}")
    return found


def with_command(argv: list[str]) -> list[str]:
    """``argv`` with its command: ``build`` when none is named (``python build.py``, ``python build.py --date …``).

    An unknown command is refused here, with a suggestion, before argparse would answer in its own words."""
    at = 0
    while at < len(argv) and (argv[at] == "--root" or argv[at].startswith("--root=")):
        if argv[at] == "--root" and at + 1 == len(argv):
            raise Misuse("--root : il manque sa valeur",
                         "par exemple : python build.py --root chemin/du/depot (aide : python build.py --help)")
        at += 2 if argv[at] == "--root" else 1
    if at >= len(argv) or argv[at].startswith("-") and argv[at] not in ("-h", "--help"):
        return argv[:at] + ["build"] + argv[at:]
    word = argv[at]
    if word in COMMANDS or word in MAINTAINER_COMMANDS or word in ("-h", "--help"):
        return argv
    folded = fold(word)
    if KIND_SPELLINGS.get(folded) or KIND_SPELLINGS.get(folded.removesuffix("s")):
        hint = f"pour créer une fiche : python build.py new {' '.join(argv[at:at + 2])}"
    elif folded in _FRENCH_COMMANDS:
        hint = f"vouliez-vous dire « {_FRENCH_COMMANDS[folded]} » ?"
    else:
        hint = did_you_mean(folded, COMMANDS) or ""
    raise Misuse(f"commande inconnue « {word} »",
                 f"{hint + ' ' if hint else ''}commandes : {', '.join(COMMANDS)} (aide : python build.py --help)")


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The command line, understood or refused (``Misuse``) in French."""
    with _in_french():
        args = _parser().parse_args(with_command(list(argv)))
        if args.command == "new":
            args.name = " ".join(args.name) or None
            args.kind = new_kind(args.kind, args.name)
    return args
