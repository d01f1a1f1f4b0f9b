"""La commande de l'enseignant : ``python -m lstm_grader copies/*.ipynb --csv notes.csv``.

Affiche un tableau des notes et écrit un CSV (une ligne par copie et par
exercice : fichier, exercice, points, max, statut, message). Code de sortie :
0 dès que la correction a tourné (même si des copies sont défectueuses),
2 pour une erreur d'usage (fichier absent, option invalide, vérifications
privées illisibles).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

from lstm_lib.grading.core import fr
from lstm_lib.grading.registry import load_private_checks
from .runner import GradingOptions, Row, grade_paths

CSV_COLUMNS = ("fichier", "exercice", "points", "max", "statut", "message")


def _positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(fr(f"nombre attendu, reçu « {text} »")) from None
        if value <= 0:
            raise argparse.ArgumentTypeError(fr(f"nombre strictement positif attendu, reçu {text}"))
        return value
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lstm_grader",
        description=fr("Corrige des copies d'exercices (cahiers .ipynb) : chaque copie est exécutée "
                       "dans son propre processus, les réponses sont jugées hors du noyau de l'élève."),
    )
    parser.add_argument("copies", nargs="+", help=fr("les cahiers rendus (.ipynb)"))
    parser.add_argument("--csv", required=True, help=fr("fichier CSV des notes à écrire"))
    parser.add_argument("--checks", help=fr("fichier Python de vérifications privées (voir lstm_lib.grading.registry)"))
    parser.add_argument("--jobs", type=_positive(int), default=0,
                        help=fr("copies corrigées en parallèle (défaut : deux par cœur)"))
    parser.add_argument("--timeout-cell", type=_positive(float), default=30.0,
                        help=fr("délai par cellule, en secondes (défaut : 30)"))
    parser.add_argument("--timeout-total", type=_positive(float), default=180.0,
                        help=fr("délai pour une copie entière, en secondes (défaut : 180)"))
    parser.add_argument("--memory-mb", type=_positive(int), default=2048,
                        help=fr("mémoire maximale d'une copie, en Mio (défaut : 2048)"))
    parser.add_argument("--seed", type=int, default=None,
                        help=fr("graine des entrées de test (défaut : tirée au hasard, secrète)"))
    parser.add_argument("--quiet", action="store_true", help=fr("sans barre de progression"))
    return parser


def _fmt(x: float) -> str:
    return f"{x:g}"


def print_table(rows: list[Row], out=sys.stdout) -> None:
    by_file: dict[str, list[Row]] = {}
    for row in rows:
        by_file.setdefault(row.fichier, []).append(row)
    width = max((len(r.exercice) for r in rows), default=4)
    for name, group in by_file.items():
        total = sum(r.points for r in group)
        maximum = sum(r.max for r in group)
        print(fr(f"{name} : {_fmt(total)}/{_fmt(maximum)}"), file=out)
        for r in group:
            message = "" if r.statut == "réussi" else f"  {r.message[:140]}"
            print(f"  {r.exercice:<{width}}  {_fmt(r.points):>3}/{_fmt(r.max):<3} {r.statut:<11}{message}", file=out)
    files = len(by_file)
    print(fr(f"{files} copie(s) corrigée(s)."), file=out)


def write_csv(rows: list[Row], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for r in rows:
            writer.writerow([r.fichier, r.exercice, _fmt(r.points), _fmt(r.max), r.statut, r.message])


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    missing = [c for c in args.copies if not Path(c).is_file()]
    if missing:
        parser.error(fr(f"copie(s) introuvable(s) : {', '.join(missing)}"))
    csv_path = Path(args.csv)
    if not csv_path.parent.exists():
        parser.error(fr(f"le dossier du fichier CSV n'existe pas : {csv_path.parent}"))
    if args.checks:
        try:
            n = load_private_checks(args.checks)
        except Exception as exc:
            parser.error(fr(f"vérifications privées illisibles ({args.checks}) : {type(exc).__name__} : {exc}"))
        print(fr(f"{n} vérification(s) privée(s) chargée(s) depuis {args.checks}"), file=sys.stderr)
    options = GradingOptions(
        cell_timeout=args.timeout_cell, total_timeout=args.timeout_total, memory_mb=args.memory_mb,
        seed=args.seed, jobs=args.jobs,
    )
    rows = grade_paths(args.copies, options, progress=not args.quiet)
    write_csv(rows, csv_path)  # d'abord le CSV : il existe même si l'affichage est coupé
    try:
        print_table(rows)
        print(fr(f"Notes écrites dans {csv_path}"))
        sys.stdout.flush()
    except BrokenPipeError:  # sortie coupée (« | head ») : les notes sont déjà écrites
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
