"""The command line: ``python build.py [build|serve|new|check]``.

Exit codes: 0 done, 1 content errors (nothing published) or a refusal (``new``
will not overwrite a file; ``serve`` cannot listen on its port), 2 misuse
(unknown command or option, a name that is not a slug or a year, an output
folder that is or holds the repository or its sources, or that Vitrine did not
make), answered in French like every other message (argparse's own words are
translated while it parses); ``new`` takes French spellings (``lauréat``,
``édition``). 3 an internal error (a bug of Vitrine's), 4 a file could not be
read or written (a full disk, a read-only folder, a permission: the message
names the folder and the cause, and says whether ``site/`` changed), 130
interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
import sys
import unicodedata
from functools import partial
from pathlib import Path
from typing import Iterator, NoReturn, Sequence

from .errors import ContentError, did_you_mean, io_failure, io_verb
from .placeholders import find_in as find_placeholders_in
from .record import CACHE_DIR, BuildOptions, check, theme_dir
from .write import OutputRefused, adopt_recorded, publication_lock, recover

EXIT_IO = 4  # a read or write failed (see the module): not the content's fault, not a bug


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


COMMANDS = ("build", "serve", "new", "check")
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
    b.add_argument("--no-cache", action="store_true", help="ignorer .vitrine-cache/ (construction à froid)")
    b.add_argument("--no-search", action="store_true",
                   help="sans l'index de recherche (vérification rapide ; la page Recherche ne trouvera rien)")
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
    n.add_argument("name", nargs="?", metavar="NOM",
                   help="identifiant (slug) du lauréat ou de la page, ou année de l'édition")
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
    if word in COMMANDS or word in ("-h", "--help"):
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
            args.kind = new_kind(args.kind, args.name)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parse(sys.argv[1:] if argv is None else argv)
    except Misuse as misuse:
        print(f"Erreur : {misuse.message}" + (f" — {misuse.hint}" if misuse.hint else ""), file=sys.stderr)
        return 2
    command = args.command or "build"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and not epoch.isdigit():
        print(f"SOURCE_DATE_EPOCH invalide « {epoch} » : attendu un nombre de secondes depuis 1970.", file=sys.stderr)
        return 2
    try:
        if command == "build":
            return run_build(args)
        if command == "check":
            return run_check(args)
        if command == "serve":
            return run_serve(args)
        if command == "new":
            return run_new(args)
    except OutputRefused as refused:
        print(f"Erreur : {refused}.", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk, a read-only folder… in check, new or serve (build says more itself)
        where, cause, hint = io_failure(exc, args.root.resolve())
        place = f" dans {where}" if where else ""
        state = "Aucun fichier n'a été créé." if command == "new" else "site/ n'a pas été modifié."
        print(f"{io_verb(exc)}{place} : {cause} — {hint}. {state}", file=sys.stderr)
        return EXIT_IO
    except KeyboardInterrupt:
        print("Interrompu : site/ est resté complet (l'ancienne ou la nouvelle version, jamais un mélange).",
              file=sys.stderr)
        return 130
    except Exception:  # a bug of ours, not the editor's: say so in one line
        if os.environ.get("VITRINE_DEBUG"):
            import traceback  # noqa: PLC0415 - for a bug's report only

            traceback.print_exc()
        exc = sys.exc_info()[1]
        published = getattr(exc, "vitrine_published", None)  # set by ``run_build``, which knows
        state = (f"{published.name}/ a été mis à jour (la nouvelle version, complète)" if published else
                 "site/ n'a pas été modifié")
        print(f"Erreur interne de Vitrine ({exc!r}) : {state}. "
              "Relancez avec VITRINE_DEBUG=1 pour le détail et signalez-la.", file=sys.stderr)
        return 3
    return 2


def print_problems(problems: Sequence[ContentError]) -> None:
    for problem in problems:
        prefix = "avertissement : " if problem.warning else ""
        print(f"{prefix}{problem}", file=sys.stderr)


def run_build(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    out = (args.out or root / "site").resolve()
    if args.deploy and args.base_url and find_placeholders_in(args.base_url):
        print(f"Erreur : --base-url {args.base_url} est une adresse d'exemple, qui n'existe pas : rien n'a été "
              "publié — indiquez la vraie adresse publique du site", file=sys.stderr)
        return 2
    refusal = output_refusal(root, out, args.out)
    if refusal:
        print(f"Erreur : {refusal}", file=sys.stderr)
        return 2
    options = BuildOptions(root=root, out=out, today=build_date(args.date), base_url=args.base_url,
                           use_cache=not args.no_cache, jobs=args.jobs, search=not args.no_search, deploy=args.deploy)
    before = _identity(out)
    try:
        with publication_lock(out):  # from the check to the publication: no other build can change the record
            adopt_recorded(out, partial(_recorded_files, root, out))
            recover(out)  # a site an interrupted build set aside is put back: that is no publication of this one
            before = _identity(out)
            record, inputs, report = check(options)
            if report is None:
                from .build import BuildState, build  # noqa: PLC0415 - importing the stages costs more than the check

                report = build(options, BuildState.open(options, record), inputs)
    except OSError as exc:
        if os.environ.get("VITRINE_DEBUG"):
            import traceback  # noqa: PLC0415 - for a report only

            traceback.print_exc()
        print(write_failure(exc, root, out, published=_identity(out) != before), file=sys.stderr)
        return EXIT_IO
    except Exception as exc:
        if _identity(out) != before:  # the swap took place: the message must not say site/ is as it was
            exc.vitrine_published = out  # type: ignore[attr-defined]
        raise
    refused = options.deploy and bool(report.placeholders)  # then they are among the errors
    print_problems(report.warnings + (() if refused else report.placeholders))
    if not report.ok:
        print_problems(report.errors)
        if refused:
            print(f"{len(report.placeholders)} valeur(s) provisoire(s) à remplacer : la publication (--deploy) "
                  "les refuse.", file=sys.stderr)
        print(f"{len(report.errors)} erreur(s) : rien n'a été publié, {out.name}/ est inchangé.", file=sys.stderr)
        return 1
    print(f"Site construit dans {out.name}/ : {report.pages} pages, {report.rendered} rendues, "
          f"{len(report.written)} fichiers écrits, {len(report.removed)} supprimés.")
    if report.placeholders:
        print(f"{len(report.placeholders)} valeur(s) provisoire(s) à remplacer avant de publier (voir les "
              "avertissements) : la publication (python build.py build --deploy) les refusera.", file=sys.stderr)
    return 0


def _recorded_files(root: Path, out: Path) -> set[str]:
    """Every file the cache's records say a build left in ``out`` or in its staging folder (for sites built before
    Vitrine marked its folders)."""
    from .record import read_record  # noqa: PLC0415 - only for folders an older Vitrine left
    from .write import Trees  # noqa: PLC0415 - idem

    cache = root / CACHE_DIR
    known = set(read_record(cache / f"record-{out.name}.marshal").outputs)
    trees = Trees.load(cache / f"trees-{out.name}.pickle")
    for listing in (trees.published, trees.spare):
        known.update(listing.files if listing is not None and trees.out == os.fspath(out) else ())
    return known


def _identity(folder: Path) -> tuple[int, int] | None:
    """Which folder ``folder`` is: a swap (``write``) puts another one in its place."""
    try:
        st = os.lstat(folder)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def write_failure(exc: OSError, root: Path, out: Path, published: bool) -> str:
    """The French message of a build stopped by a failed read or write: where, why, what to do, and the truth
    about ``out`` (the new site is published whole once swapped in; before that, ``out`` is untouched)."""
    where, cause, hint = io_failure(exc, root)
    if where.startswith(CACHE_DIR + "/"):
        hint += ", ou construisez sans mémoire de construction (--no-cache)"
    place = f" dans {where}" if where else ""
    state = (f"{out.name}/ a bien été mis à jour (la nouvelle version, complète), mais la construction n'a pas pu "
             "tout enregistrer" if published else f"{out.name}/ n'a pas été modifié")
    return f"{io_verb(exc)}{place} : {cause} — {hint}. {state}."


def output_refusal(root: Path, out: Path, given: Path | None) -> str | None:
    """Why ``out`` cannot be the output folder, or None: it would be swapped away and replaced whole, so it must
    neither be, hold, nor lie inside the repository's sources (content, templates, static), its history (.git),
    the cache, nor hold the repository itself (``.``, ``..``, ``/``, the home folder). Real paths are compared, so
    a link leads nowhere else."""
    shown = f"--out {given}" if given is not None else f"{out}"
    real = out.resolve()
    if real == root or root.is_relative_to(real):
        return (f"{shown} : le dossier de sortie {real} {'est' if real == root else 'contient'} le dépôt lui-même ; "
                "chaque construction remplace ce dossier en entier — choisissez un dossier à part, par exemple "
                "--out site")
    protected = {root / "content": "le contenu", root / "templates": "les gabarits", root / "static": "le thème",
                 theme_dir(root, "templates"): "les gabarits", theme_dir(root, "static"): "le thème",
                 root / ".git": "l'historique git", root / CACHE_DIR: "la mémoire de construction"}
    for folder, what in protected.items():
        folder = folder.resolve()
        if real == folder or real.is_relative_to(folder) or folder.is_relative_to(real):
            relation = ("est" if real == folder else "se trouve dans" if real.is_relative_to(folder)
                        else "contient")
            name = folder.relative_to(root).as_posix() if folder.is_relative_to(root) else str(folder)
            return (f"{shown} : le dossier de sortie {relation} {name}/ ({what}) ; chaque construction remplace ce "
                    "dossier en entier — choisissez un dossier à part, par exemple --out site")
    return None


def run_check(args: argparse.Namespace) -> int:
    from .check import check  # noqa: PLC0415 - only this command needs it

    root, today = args.root.resolve(), build_date(args.date)
    try:
        report = check(root, today)
    except OSError as exc:  # check writes nothing but the cache: without it, it is slower, not wrong
        if exc.filename is None or not Path(os.fsdecode(exc.filename)).resolve().is_relative_to(root / CACHE_DIR):
            raise
        where, cause, _hint = io_failure(exc, root)
        print(f"avertissement : {where} : {cause} — vérification faite sans la mémoire de construction "
              f"({CACHE_DIR}/), donc plus lente", file=sys.stderr)
        report = check(root, today, use_cache=False)
    for note in report.notes:
        print(f"à confirmer : {note}")
    print_problems(report.warnings)
    print_problems(report.errors)
    counts = (f"{len(report.errors)} erreur(s), {len(report.warnings)} avertissement(s), "
              f"{len(report.notes)} point(s) à confirmer")
    if report.errors:
        print(f"{counts} : le site ne peut pas être publié.", file=sys.stderr)
        return 1
    if args.strict and report.warnings:
        print(f"{counts} : avec --strict, les avertissements comptent comme des erreurs.", file=sys.stderr)
        return 1
    if report.placeholders:  # valid, but the deploy workflows' build will refuse it
        print(f"Contenu valide, mais pas encore publiable : {len(report.placeholders)} valeur(s) provisoire(s) à "
              f"remplacer (la publication, python build.py build --deploy, les refuse) ; {counts}.")
        return 0
    print(f"Contenu valide : {counts}.")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from .serve import serve  # noqa: PLC0415 - only this command needs livereload

    return serve(args.root.resolve(), args.host, args.port, lambda: build_date(args.date))


def run_new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, new_file  # noqa: PLC0415 - only this command needs it

    root = args.root.resolve()
    try:
        path = new_file(root, args.kind, args.name)
    except ScaffoldError as problem:
        print(f"{'Erreur' if problem.misuse else 'Refusé'} : {problem}", file=sys.stderr)
        return 2 if problem.misuse else 1
    print(f"Créé : {path.relative_to(root).as_posix()} (brouillon, draft: true).\n"
          "Remplissez chaque champ et regardez le résultat avec « python build.py serve » ; "
          "passez draft à false quand la fiche est prête à publier.")
    return 0
