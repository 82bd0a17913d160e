"""The command line: ``python build.py [build|serve|new|check]``.

Exit codes: 0 done, 1 content errors (nothing published), 2 misuse.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import traceback
from pathlib import Path
from typing import Sequence

from .build import BuildOptions, build
from .errors import ContentError


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
        raise argparse.ArgumentTypeError(f"date invalide « {value} » : attendu AAAA-MM-JJ")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python build.py", description="Construit le site du label Actions innovantes.")
    p.add_argument("--root", type=Path, default=Path.cwd(), help="racine du dépôt (par défaut : le dossier courant)")
    sub = p.add_subparsers(dest="command")
    b = sub.add_parser("build", help="construire le site dans site/ (commande par défaut)")
    _common(b)
    b.add_argument("--out", type=Path, default=None, help="dossier de sortie (par défaut : site/)")
    b.add_argument("--base-url", default=None, help="remplace base_url de site.yaml (déploiement de prévisualisation)")
    b.add_argument("--no-cache", action="store_true", help="ignorer .vitrine-cache/ (construction à froid)")
    c = sub.add_parser("check", help="vérifier le contenu sans rien publier")
    _common(c)
    c.add_argument("--strict", action="store_true", help="les avertissements deviennent des erreurs")
    return p


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--date", type=_date_arg, default=None,
                   help="date de construction AAAA-MM-JJ (état des appels à projets) ; sinon SOURCE_DATE_EPOCH ou aujourd'hui")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--root"):
        argv = ["build"] + argv
    if argv and argv[0] == "--root" and (len(argv) < 3 or argv[2].startswith("-")):
        argv = argv[:2] + ["build"] + argv[2:]
    args = parser().parse_args(argv)
    command = args.command or "build"
    try:
        if command == "build":
            return run_build(args)
        if command == "check":
            return run_check(args)
    except KeyboardInterrupt:
        print("Interrompu : site/ n'a pas été modifié.", file=sys.stderr)
        return 130
    except Exception:  # a bug of ours, not the editor's: say so in one line
        if os.environ.get("VITRINE_DEBUG"):
            traceback.print_exc()
        print(f"Erreur interne de Vitrine ({sys.exc_info()[1]!r}) : site/ n'a pas été modifié. "
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
    options = BuildOptions(root=root, out=out, today=build_date(args.date), base_url=args.base_url,
                           use_cache=not args.no_cache)
    report = build(options)
    print_problems(report.warnings)
    if not report.ok:
        print_problems(report.errors)
        print(f"{len(report.errors)} erreur(s) : rien n'a été publié, {out.name}/ est inchangé.", file=sys.stderr)
        return 1
    print(f"Site construit dans {out.name}/ : {report.pages} pages, {report.rendered} rendues, "
          f"{len(report.written)} fichiers écrits, {len(report.removed)} supprimés.")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from .check import check  # noqa: PLC0415 - only this command needs it

    report = check(args.root.resolve(), build_date(args.date))
    print_problems(report.warnings)
    print_problems(report.errors)
    failed = bool(report.errors) or (args.strict and bool(report.warnings))
    if failed:
        print(f"{len(report.errors)} erreur(s), {len(report.warnings)} avertissement(s).", file=sys.stderr)
        return 1
    print(f"Contenu valide : {len(report.warnings)} avertissement(s).")
    return 0
