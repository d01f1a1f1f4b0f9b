"""Construit l'« édition élève » du site : les solutions des exercices n'y figurent pas.

Usage : ``python tools/build_student_edition.py [--output DOSSIER] [--dry-run]``.

sphinx-exercise retire tous les blocs ``{solution}`` quand l'option Sphinx
``hide_solutions`` vaut ``True``. Plutôt que de recopier ``_config.yml`` (deux
configurations finiraient par diverger), on en dérive une configuration
temporaire qui ne change que :

- ``sphinx.config.hide_solutions: true`` ;
- le titre, suivi de « (édition élève) » ;
- les chemins relatifs (extensions locales), rendus absolus puisque la
  configuration temporaire n'est pas à la racine du livre ;
- le cache d'exécution, partagé avec le build normal (``_build/.jupyter_cache``) :
  les cahiers déjà exécutés ne le sont pas une seconde fois.

Le site arrive dans ``_build/eleve/_build/html`` (par défaut). Même exigence que
le build normal : ``-n -W --keep-going``, zéro avertissement.
"""

from __future__ import annotations

import argparse
import copy
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import book  # noqa: E402  (tools/book.py : commande jupyter-book, détection des avertissements)

SUFFIX = " (édition élève)"


def student_config(base: dict, root: Path = ROOT) -> dict:
    """La configuration de l'édition élève, dérivée de ``base`` (le contenu de ``_config.yml``)."""
    config = copy.deepcopy(base)
    config["title"] = f"{config.get('title', '')}{SUFFIX}"
    sphinx = config.setdefault("sphinx", {}) or {}
    config["sphinx"] = sphinx
    sphinx.setdefault("config", {})
    sphinx["config"] = dict(sphinx["config"] or {})
    sphinx["config"]["hide_solutions"] = True
    local = sphinx.get("local_extensions") or {}
    sphinx["local_extensions"] = {name: str((root / path).resolve()) for name, path in local.items()}
    execute = config.setdefault("execute", {}) or {}
    config["execute"] = execute
    execute.setdefault("cache", str(root / "_build" / ".jupyter_cache"))
    return config


def load_base(root: Path = ROOT) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}


def command(config_path: Path, output: Path, root: Path = ROOT) -> list[str]:
    return book.jupyter_book_command() + [
        "build", str(root), "-n", "-W", "--keep-going", "--config", str(config_path),
        "--path-output", str(output),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "_build" / "eleve",
                        help="dossier qui recevra _build (défaut : _build/eleve)")
    parser.add_argument("--dry-run", action="store_true",
                        help="affiche la configuration dérivée et la commande, sans construire")
    args = parser.parse_args(argv)
    config = student_config(load_base())
    with tempfile.TemporaryDirectory(prefix="edition-eleve-") as tmp:
        config_path = Path(tmp) / "_config.yml"
        config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        cmd = command(config_path, args.output.resolve())
        if args.dry_run:
            print(config_path.read_text(encoding="utf-8"))
            print(" ".join(cmd))
            return 0
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, encoding="utf-8", errors="replace")
    log = book.ANSI.sub("", proc.stdout)
    sys.stdout.write(log)
    problems = [line for line in log.splitlines() if book.SPHINX_PROBLEM.search(line)]
    if proc.returncode == 0 and not problems:
        print(f"\nÉdition élève construite : {args.output.resolve() / '_build' / 'html' / 'index.html'}")
        return 0
    print("\nLe build de l'édition élève a échoué ou a produit des avertissements :", file=sys.stderr)
    for line in problems:
        print("  " + line, file=sys.stderr)
    return proc.returncode or 1


if __name__ == "__main__":
    sys.exit(main())
