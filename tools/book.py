"""Construit le site du livre : ``python tools/book.py [--all] [--output DOSSIER]``.

Lance ``jupyter-book build . -n -W --keep-going`` (zéro avertissement toléré) et
exécute les cahiers au passage ; le site arrive dans ``_build/html``.

Les sorties des cahiers sont mises en cache par Jupyter Book
(``_build/.jupyter_cache``), indexées sur le *code des cellules* seulement. Si
``lstm_lib`` change, un cahier inchangé garderait donc des sorties périmées : on
garde une empreinte de ``lstm_lib`` et de ``pyproject.toml`` à côté du cache et on
vide le cache quand elle change ; quand seuls les exercices (``lstm_lib/grading``)
changent, seuls les cahiers d'exercices sont oubliés. (Jupyter Book ne sait pas le
faire lui-même.)

Utilisé par ``tools/build.sh``, par ``tests/conftest.py`` et par
``benchmarks/bench_build.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Une ligne d'avertissement ou d'erreur de Sphinx : « fichier:ligne: WARNING: … ».
# (Les lignes « [IPKernelApp] WARNING | … » du noyau ne sont pas des avertissements du build.)
SPHINX_PROBLEM = re.compile(r"(?:^|\s)(WARNING|ERROR|CRITICAL|SEVERE):\s")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class BuildResult:
    returncode: int
    log: str
    seconds: float
    build_dir: Path  # le dossier ``_build``

    @property
    def html_dir(self) -> Path:
        return self.build_dir / "html"

    @property
    def cache_dir(self) -> Path:
        return self.build_dir / ".jupyter_cache"

    @property
    def problems(self) -> list[str]:
        """Les lignes d'avertissement ou d'erreur de Sphinx, sans couleurs."""
        return [line for line in self.log.splitlines() if SPHINX_PROBLEM.search(line)]

    def summary(self, limit: int = 30) -> str:
        """Ce qu'il faut lire quand le build échoue : les avertissements, sinon la fin du journal."""
        lines = self.problems or self.log.rstrip().splitlines()[-limit:]
        return "\n".join(lines[:limit])

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.problems


def _fingerprint(root: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def library_fingerprint(root: Path = ROOT) -> str:
    """Empreinte SHA-256 de ``lstm_lib`` hors exercices (le Python, le front-end des widgets,
    ``front/``, que l'état de chaque widget embarque dans la page, et les données) et de
    ``pyproject.toml``."""
    grading = root / "lstm_lib" / "grading"
    files = sorted(p for p in (root / "lstm_lib").rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts and grading not in p.parents)
    return _fingerprint(root, files + [root / "pyproject.toml"])


def exercises_fingerprint(root: Path = ROOT) -> str:
    """Empreinte SHA-256 de ``lstm_lib/grading`` : les sources des exercices et leurs juges."""
    return _fingerprint(root, sorted((root / "lstm_lib" / "grading").rglob("*.py")))


def invalidate_stale_cache(build_dir: Path, root: Path = ROOT) -> bool:
    """Vide le cache d'exécution si ``lstm_lib`` a changé ; rend True s'il a été vidé.

    Si seuls les exercices (``lstm_lib/grading``) ont changé, seuls les cahiers de
    ``exercises/`` sont oubliés : les chapitres n'importent pas ``lstm_lib.grading``, et
    retoucher un exercice ne doit pas faire ré-exécuter tout le livre.
    """
    cache = build_dir / ".jupyter_cache"
    stamp = build_dir / "lstm_lib.sha256"
    current = [library_fingerprint(root), exercises_fingerprint(root)]
    previous = stamp.read_text().split() if stamp.is_file() else []
    cleared = False
    if previous[:1] != current[:1] and (cache.exists() or previous):
        # Même sans cache (déjà vidé), des pages écrites avec l'ancienne lstm_lib restent à refaire.
        shutil.rmtree(cache, ignore_errors=True)
        cleared = True
    elif previous[1:2] != current[1:2] and cache.exists():
        _forget_exercise_notebooks(cache, root)
    build_dir.mkdir(parents=True, exist_ok=True)
    stamp.write_text("\n".join(current) + "\n")
    return cleared


def _forget_exercise_notebooks(cache: Path, root: Path) -> None:
    from jupyter_cache import get_cache

    exercises = (root / "exercises").resolve()
    store = get_cache(str(cache))
    for record in store.list_cache_records():
        if exercises in Path(record.uri).resolve().parents:
            store.remove_cache(record.pk)


def jupyter_book_command() -> list[str]:
    exe = Path(sys.executable).parent / "jupyter-book"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("jupyter-book")
    if found is None:
        raise SystemExit("jupyter-book est introuvable : lancez d'abord tools/setup_env.sh")
    return [found]


def build(
    root: Path = ROOT,
    *,
    output: Path | None = None,
    all_pages: bool = False,
    echo: bool = True,
) -> BuildResult:
    """Construit le livre ; ``output`` est le dossier qui recevra ``_build`` (défaut : ``root``).

    ``all_pages`` relit toutes les pages dans un environnement Sphinx neuf : sans lui,
    un build incrémental ne relit que les pages modifiées et ne répète pas leurs
    avertissements passés. Les tests l'utilisent ; le cache d'exécution reste utilisé.
    """
    root = Path(root).resolve()
    output = Path(output).resolve() if output is not None else root
    build_dir = output / "_build"
    if invalidate_stale_cache(build_dir, root):
        # Sans --all, Sphinx ne relirait que les pages dont la source a changé : les autres
        # garderaient les sorties (et l'état des widgets) de l'ancienne lstm_lib.
        all_pages = True
        if echo:
            print("lstm_lib a changé : cache d'exécution vidé, tous les cahiers seront ré-exécutés.")
    cmd = jupyter_book_command() + ["build", str(root), "-n", "-W", "--keep-going"]
    if output != root:
        cmd += ["--path-output", str(output)]
    if all_pages:
        cmd.append("--all")
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(ANSI.sub("", line))
        if echo:
            sys.stdout.write(line)
            sys.stdout.flush()
    returncode = proc.wait()
    return BuildResult(returncode, "".join(lines), time.perf_counter() - start, build_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="relire toutes les pages (environnement neuf)")
    parser.add_argument("--output", type=Path, help="dossier qui recevra _build (défaut : la racine du livre)")
    args = parser.parse_args(argv)
    result = build(output=args.output, all_pages=args.all)
    if result.ok:
        print(f"\nSite construit en {result.seconds:.0f} s : {result.html_dir / 'index.html'}")
        return 0
    print("\nLe build a échoué ou a produit des avertissements :", file=sys.stderr)
    print(result.summary(limit=200), file=sys.stderr)
    return result.returncode or 1


if __name__ == "__main__":
    sys.exit(main())
