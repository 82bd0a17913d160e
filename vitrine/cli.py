"""The command line: ``python build.py [build|serve|new|check|clean-media]`` (and, for maintainers, ``vendor-editor``).

Exit codes: 0 done, 1 content errors (nothing published) or a refusal (``new``
will not overwrite a file; ``serve`` cannot listen on its port), 2 misuse
(unknown command or option, a name that is not a slug or a year, an output
folder that is or holds the repository or its sources, or that Vitrine did not
make), answered in French like every other message (argparse's own words are
translated while it parses); ``new`` takes French spellings (``lauréat``,
``édition``). 3 an internal error (a bug of Vitrine's, or a worker process killed, as by the out-of-memory
killer: said as such), 4 a file could not be
read or written (a full disk, a read-only folder, a permission: the message
names the folder and the cause, and says whether ``site/`` changed), 130
interrupted by Ctrl+C, 143 stopped by SIGTERM (a cancelled CI job): both stop as cleanly, the PDF makers and
render workers stopped and waited for, ``site/`` whole.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from functools import partial
from pathlib import Path
from typing import Sequence

from vitrine.arguments import Misuse, build_date, parse
from vitrine.content.placeholders import find_in as find_placeholders_in
from vitrine.engine import CACHE_DIR, theme_dir
from vitrine.errors import ContentError, io_failure, io_verb
from vitrine.options import BuildOptions
from vitrine.publish.marker import OutputRefused, adopt_recorded
from vitrine.publish.swap import publication_lock, recover
from vitrine.speed.parallel import no_full_collection
from vitrine.speed.record import compare_with_record
from vitrine.stopping import Terminated, WorkerLost, sigterm_as_interrupt

EXIT_IO = 4  # a read or write failed (see the module): not the content's fault, not a bug


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
        with sigterm_as_interrupt() if command != "serve" else contextlib.nullcontext(), \
                no_full_collection() if command == "build" else contextlib.nullcontext():  # serve stops on its own
            return COMMANDS[command](args)
    except OutputRefused as refused:
        print(f"Erreur : {refused}.", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk, a read-only folder… in check, new or serve (build says more itself)
        where, cause, hint = io_failure(exc, args.root.resolve())
        place = f" dans {where}" if where else ""
        state = "Aucun fichier n'a été créé." if command == "new" else "site/ n'a pas été modifié."
        print(f"{io_verb(exc)}{place} : {cause} — {hint}. {state}", file=sys.stderr)
        return EXIT_IO
    except KeyboardInterrupt as stop:
        print("Interrompu : site/ est resté complet (l'ancienne ou la nouvelle version, jamais un mélange).",
              file=sys.stderr)
        return 143 if isinstance(stop, Terminated) else 130
    except WorkerLost as exc:  # the machine's doing (out of memory, a process manager), not a bug nor the content's
        print(f"Construction interrompue : {exc} ; site/ n'a pas été modifié. Relancez-la ; si cela se répète, la "
              "machine manque sans doute de mémoire : essayez « --jobs 1 ».", file=sys.stderr)
        return 3
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
    if args.deploy and args.no_catalogue:
        print("Erreur : --no-catalogue ne va pas avec --deploy : les pages des éditions renvoient vers leur catalogue "
              "en PDF, rien n'a été publié — retirez --no-catalogue de la commande de publication", file=sys.stderr)
        return 2
    refusal = output_refusal(root, out, args.out)
    if refusal:
        print(f"Erreur : {refusal}", file=sys.stderr)
        return 2
    options = BuildOptions(root=root, out=out, today=build_date(args.date), base_url=args.base_url,
                           use_cache=not args.no_cache, speed=not args.no_cache, jobs=args.jobs,
                           search=not args.no_search, catalogues=not args.no_catalogue, deploy=args.deploy)
    before = _identity(out)
    try:
        with publication_lock(out):  # from the check to the publication: no other build can change the record
            adopt_recorded(out, partial(_recorded_files, root, out))
            recover(out)  # a site an interrupted build set aside is put back: that is no publication of this one
            before = _identity(out)
            # The speed layer's first question, asked before the stages are even imported: has anything changed?
            record, inputs, report = compare_with_record(options) if options.speed else (None, None, None)
            if report is None:
                from vitrine.pipeline import build  # noqa: PLC0415 - importing the stages costs more than the check
                from vitrine.speed.state import BuildState  # noqa: PLC0415 - idem

                report = build(options, BuildState.open(options, record) if options.speed else None, inputs)
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
            print(f"{_unpublishable(report.placeholders)} : la publication (--deploy) les refuse.", file=sys.stderr)
        print(f"{len(report.errors)} erreur(s) : rien n'a été publié, {out.name}/ est inchangé.", file=sys.stderr)
        return 1
    print(f"Site construit dans {out.name}/ : {report.pages} pages, {report.rendered} rendues, "
          f"{len(report.written)} fichiers écrits, {len(report.removed)} supprimés.")
    if report.placeholders:
        print(f"{_unpublishable(report.placeholders)} avant de publier (voir les avertissements) : la publication "
              "(python build.py build --deploy) les refusera.", file=sys.stderr)
    return 0


# As ``content/photo_metadata.py`` names it (not imported: this module must start on the standard library only)
CLEAN_MEDIA = "python build.py clean-media"


def _unpublishable(problems: tuple[ContentError, ...]) -> str:
    """What ``build --deploy`` refuses, counted: placeholders to replace, photos holding their GPS position."""
    photos = sum(CLEAN_MEDIA in p.hint for p in problems)
    counts = [f"{len(problems) - photos} valeur(s) provisoire(s) à remplacer"] if len(problems) > photos else []
    return " et ".join(counts + ([f"{photos} photo(s) avec leur position GPS à nettoyer ({CLEAN_MEDIA})"]
                                 if photos else []))


def _recorded_files(root: Path, out: Path) -> set[str]:
    """Every file the cache's record says the last build left in ``out`` (for sites built before Vitrine marked its
    folders; the staging folder holds the site before it, mostly the same files)."""
    from vitrine.speed.record import read_record  # noqa: PLC0415 - only for folders an older Vitrine left

    return set(read_record(root / CACHE_DIR / f"record-{out.name}.marshal").outputs)


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
    from vitrine.pipeline import check  # noqa: PLC0415 - only this command needs the stages

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
    from vitrine.preview.serve import serve  # noqa: PLC0415 - only this command needs livereload

    return serve(args.root.resolve(), args.host, args.port, lambda: build_date(args.date))


def run_vendor_editor(args: argparse.Namespace) -> int:
    from vitrine.tools.vendor_editor import DEFAULT_VERSION, VendorError, vendor  # noqa: PLC0415 - maintainers only

    try:
        lines = vendor(args.version or DEFAULT_VERSION)
    except VendorError as problem:
        print(f"Refusé : {problem}.", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


def run_new(args: argparse.Namespace) -> int:
    from vitrine.tools.scaffold import ScaffoldError, new_file  # noqa: PLC0415 - only this command needs it

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


def run_clean_media(args: argparse.Namespace) -> int:
    from vitrine.tools.clean_media import clean_media  # noqa: PLC0415 - only this command needs it

    report = clean_media(args.root.resolve(), args.files)
    for line in report.lines:
        print(line)
    for problem in report.problems:
        print(f"Refusé : {problem}", file=sys.stderr)
    if not report.lines and not report.problems:
        print("Aucune photo dans content/media/.")
    print(f"{report.cleaned} photo(s) nettoyée(s), {report.clean} déjà propre(s)"
          + (f", {len(report.problems)} refusée(s)." if report.problems else "."),
          file=sys.stderr if report.problems else sys.stdout)
    return 1 if report.problems else 0


COMMANDS = {"build": run_build, "check": run_check, "serve": run_serve, "new": run_new,
            "clean-media": run_clean_media, "vendor-editor": run_vendor_editor}
