"""La commande de l'enseignant : ``python -m lstm_grader copies/ --csv notes.csv``.

Affiche un tableau des notes, les réponses identiques et les identités déclarées
par plusieurs copies (des indices, jamais une note changée), et écrit un CSV (une
ligne par copie et par exercice : fichier, étudiant, identité déclarée, exercice,
points, max, statut, indices et solution consultés, message) ; avec
``--moodle DOSSIER``, le zip des fichiers de feedback et, avec ``--roster``,
le CSV d'import des notes de Moodle. Code de sortie : 0 dès que la correction
a tourné (même si des copies sont défectueuses), 2 pour une erreur d'usage
(fichier absent, option invalide, vérifications privées illisibles, aucun
bac à sable).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from pathlib import Path

from lstm_lib.grading.core import REUSSI, fr
from lstm_lib.grading.registry import load_private_checks
from lstm_lib.style import format_fr

from .collection import collect
from .moodle import RosterError, load_roster, machine_number, write_moodle
from .options import HELP, GradingOptions, default
from .runner import Batch, Row, grade_copies
from .safety import spreadsheet_text, terminal_text, write_atomic
from .sandbox import NO_SANDBOX_RISKS, SandboxUnavailable

CSV_COLUMNS = ("fichier", "étudiant", "identité", "exercice", "points", "max", "statut", "indices", "solution",
               "message")


def _positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(fr(f"nombre attendu, reçu « {text} »")) from None
        if value <= 0:
            raise argparse.ArgumentTypeError(fr(f"nombre strictement positif attendu, reçu {text}"))
        return value
    return parse


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(fr(f"nombre attendu, reçu « {text} »")) from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(fr(f"part des points entre 0 et 1 attendue, reçu {text}"))
    return value


def _help(name: str) -> str:
    return fr(HELP[name].format(default=default(name)))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lstm_grader",
        description=fr("Corrige des copies d'exercices (cahiers .ipynb, ou dossiers de copies comme le "
                       "téléchargement de Moodle) : chaque copie est exécutée dans un bac à sable, les "
                       "réponses sont jugées hors du noyau de l'élève."),
    )
    parser.add_argument("copies", nargs="+", help=fr("les cahiers rendus (.ipynb) ou des dossiers de copies"))
    parser.add_argument("--csv", required=True, help=fr("fichier CSV des notes à écrire"))
    parser.add_argument("--checks", help=fr("fichier Python de vérifications privées (voir lstm_lib.grading.registry)"))
    parser.add_argument("--moodle", metavar="DOSSIER",
                        help=fr("écrit dans DOSSIER le zip des fichiers de feedback pour Moodle, et avec "
                                "--roster le CSV d'import des notes"))
    parser.add_argument("--roster", metavar="CSV",
                        help=fr("liste des étudiants : la feuille d'évaluation du devoir Moodle, ou un export "
                                "du carnet de notes (avec --moodle)"))
    parser.add_argument("--jobs", type=_positive(int), default=default("jobs"), help=_help("jobs"))
    parser.add_argument("--timeout-cell", type=_positive(float), default=default("cell_timeout"),
                        help=_help("cell_timeout"))
    parser.add_argument("--timeout-total", type=_positive(float), default=default("total_timeout"),
                        help=_help("total_timeout"))
    parser.add_argument("--memory-mb", type=_positive(int), default=default("memory_mb"), help=_help("memory_mb"))
    parser.add_argument("--processes", type=_positive(int), default=default("processes"), help=_help("processes"))
    parser.add_argument("--file-mb", type=_positive(int), default=default("file_mb"), help=_help("file_mb"))
    parser.add_argument("--seed", type=int, default=default("seed"), help=_help("seed"))
    parser.add_argument("--sandbox", choices=("auto", "bwrap", "docker", "podman"), default=default("sandbox"),
                        help=_help("sandbox"))
    parser.add_argument("--no-sandbox", action="store_true",
                        help=fr("corrige SANS bac à sable (dangereux : le code des copies s'exécute avec vos "
                                "droits ; seulement pour des copies de confiance)"))
    parser.add_argument("--solution-penalty", type=_fraction, default=default("solution_penalty"),
                        help=_help("solution_penalty"))
    parser.add_argument("--quiet", action="store_true", help=fr("sans barre de progression"))
    return parser


def print_table(rows: list[Row], out=sys.stdout) -> None:
    by_copy: dict[str, list[Row]] = {}
    for row in rows:
        by_copy.setdefault(row.copy, []).append(row)
    width = max((len(terminal_text(r.exercise)) for r in rows), default=4)
    for name, group in by_copy.items():
        total = sum(r.points for r in group)
        maximum = sum(r.max for r in group)
        who = "" if group[0].student in name else f" ({terminal_text(group[0].student)})"
        print(fr(f"{terminal_text(name)}{who} : {format_fr(total)}/{format_fr(maximum)}"), file=out)
        for r in group:
            message = "" if r.status == REUSSI else f"  {terminal_text(r.message)[:160]}"
            print(f"  {terminal_text(r.exercise):<{width}}  {format_fr(r.points):>3}/{format_fr(r.max):<3} "
                  f"{r.status:<11}{message}", file=out)
    print(fr(f"{len(by_copy)} copie(s) corrigée(s)."), file=out)


def print_similar(batch: Batch, out=sys.stdout) -> None:
    if not batch.similar:
        return
    print(fr("Réponses identiques (commentaires et espaces mis à part) : un indice à vérifier, "
             "les notes ne changent pas."), file=out)
    for group in batch.similar:
        names = ", ".join(terminal_text(c) for c in group.copies)
        print(fr(f"  {group.notebook} ({', '.join(group.exercises)}) : {names}"), file=out)


def print_shared_identities(batch: Batch, out=sys.stdout) -> None:
    if not batch.shared_identities:
        return
    print(fr("Identités déclarées par plusieurs copies du même cahier (copie recopiée en entier ?) : un indice "
             "à vérifier, les notes ne changent pas."), file=out)
    for notebook, identity, keys in batch.shared_identities:
        print(fr(f"  {notebook}, « {terminal_text(identity)} » : {', '.join(terminal_text(k) for k in keys)}"), file=out)


def csv_bytes(rows: list[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        hints = "" if r.hints is None else str(r.hints)
        solution = "" if r.solution is None else ("oui" if r.solution else "non")
        writer.writerow([spreadsheet_text(r.copy), spreadsheet_text(r.student), spreadsheet_text(r.identity),
                         spreadsheet_text(r.exercise), machine_number(r.points), machine_number(r.max), r.status,
                         hints, solution, spreadsheet_text(r.message)])
    return out.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    copies, problems = collect(args.copies)
    missing = [p for p in problems if p.endswith(": introuvable")]
    if missing:
        parser.error(fr(f"copie(s) introuvable(s) : {', '.join(p.rsplit(' :', 1)[0] for p in missing)}"))
    for problem in problems:
        print(fr(f"Copie ignorée : {problem}"), file=sys.stderr)
    if not copies:
        parser.error(fr("aucune copie (.ipynb) à corriger"))
    csv_path = Path(args.csv)
    if not csv_path.parent.exists():
        parser.error(fr(f"le dossier du fichier CSV n'existe pas : {csv_path.parent}"))
    if args.roster and not args.moodle:
        parser.error(fr("--roster s'utilise avec --moodle DOSSIER (le CSV d'import de Moodle y est écrit)"))
    roster = None
    if args.roster:
        try:
            roster = load_roster(args.roster)
        except RosterError as exc:
            parser.error(fr(str(exc)))
    if args.moodle and not Path(args.moodle).parent.exists():
        parser.error(fr(f"le dossier parent de --moodle n'existe pas : {Path(args.moodle).parent}"))
    if args.checks:
        try:
            n = load_private_checks(args.checks)
        except Exception as exc:
            parser.error(fr(f"vérifications privées illisibles ({args.checks}) : {type(exc).__name__} : {exc}"))
        print(fr(f"{n} vérification(s) privée(s) chargée(s) depuis {args.checks}"), file=sys.stderr)
    if args.no_sandbox:
        print(fr(NO_SANDBOX_RISKS), file=sys.stderr)
    options = GradingOptions(
        cell_timeout=args.timeout_cell, total_timeout=args.timeout_total, memory_mb=args.memory_mb,
        processes=args.processes, file_mb=args.file_mb, seed=args.seed, jobs=args.jobs,
        sandbox="none" if args.no_sandbox else args.sandbox, solution_penalty=args.solution_penalty,
    )
    try:
        batch = grade_copies(copies, options, progress=not args.quiet)
    except SandboxUnavailable as exc:
        print(fr(f"{parser.prog} : erreur : {exc}"), file=sys.stderr)
        return 2
    write_atomic(csv_path, csv_bytes(batch.rows))  # d'abord le CSV : il existe même si l'affichage est coupé
    moodle = write_moodle(Path(args.moodle), batch.rows, roster) if args.moodle else None
    try:
        print(fr(f"Bac à sable : {batch.sandbox} ; limites : {batch.limits}"))
        print_table(batch.rows)
        print_similar(batch)
        print_shared_identities(batch)
        print(fr(f"Notes écrites dans {csv_path}"))
        if moodle:
            print(fr(f"Fichiers de feedback pour Moodle : {moodle['feedback']} ({moodle['students']} étudiant(s))"))
            if "grades" in moodle:
                print(fr(f"Notes à importer dans Moodle : {moodle['grades']}"))
            for student, reason in moodle["unmatched"]:
                print(fr(f"  non identifié : {terminal_text(student.name)} ({reason}) — voir "
                         f"{moodle.get('unmatched_file')}"))
            if roster is None:
                print(fr("Pour le CSV d'import des notes de Moodle, ajoutez --roster avec la feuille "
                         "d'évaluation du devoir (voir le README)."))
        sys.stdout.flush()
    except BrokenPipeError:  # sortie coupée (« | head ») : les notes sont déjà écrites
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
