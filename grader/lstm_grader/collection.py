"""Trouver les copies d'une classe et ce qui identifie leur auteur.

- Les arguments sont des cahiers ``.ipynb`` ou des dossiers (parcourus en
  profondeur, sans suivre les liens). La **clé** d'une copie est son chemin
  relatif à la racine de la collection (le dossier donné, ou le dossier
  commun des fichiers donnés) : ``Alice_12_assignsubmission_file/ex02.ipynb``
  et ``Bob_13_assignsubmission_file/ex02.ipynb`` sont deux copies différentes.
- Les noms de Moodle (« Télécharger tous les travaux remis ») sont reconnus,
  en fichiers (``Nom Complet_<id>_assignsubmission_file_<nom d'origine>``) ou
  en dossiers (« un dossier par étudiant ») : le nom complet et le numéro de
  participant en sont tirés, comme le fait Moodle lui-même pour réimporter des
  fichiers (découpage aux quatre premiers ``_``, voir
  ``mod/assign/feedback/file/importziplib.php``).
- Hors de Moodle, l'étudiant est le premier dossier sous la racine, sinon le
  nom du fichier.
- Un lien symbolique, ou un fichier dont le chemin réel sort de la racine, est
  refusé (une archive peut contenir des liens vers les fichiers de l'enseignant).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .safety import display_name

__all__ = ["Copy", "collect", "moodle_name", "SKIPPED_DIRS"]

#: Dossiers jamais parcourus (sauvegardes de Jupyter, métadonnées des archives macOS…).
SKIPPED_DIRS = {".ipynb_checkpoints", "__MACOSX", ".git", "__pycache__"}


@dataclass(frozen=True)
class Copy:
    """Une copie rendue : où elle est, et qui l'a écrite."""

    path: Path                 # le fichier sur le disque (chemin absolu)
    key: str                   # chemin relatif à la racine de la collection (affichable)
    student: str               # nom de l'étudiant (Moodle, dossier ou fichier)
    participant: str | None    # numéro de participant Moodle, s'il est dans le nom
    filename: str              # nom d'origine du fichier (sans le préfixe de Moodle)


def moodle_name(part: str) -> tuple[str, str, str] | None:
    """``(nom complet, numéro de participant, reste)`` d'un nom de Moodle, sinon None.

    ``Alice Martin_1234_assignsubmission_file_ex02.ipynb`` → ``("Alice Martin", "1234", "ex02.ipynb")`` ;
    ``Alice Martin_1234_assignsubmission_file`` (un dossier) → ``("Alice Martin", "1234", "")``.
    """
    pieces = part.split("_", 4)
    if len(pieces) < 4 or not pieces[1].isdigit() or not pieces[2].startswith("assign") or not pieces[0]:
        return None
    return pieces[0], pieces[1], pieces[4] if len(pieces) == 5 else ""


def _identity(relative: PurePosixPath) -> tuple[str, str | None, str]:
    parts = relative.parts
    for k, part in enumerate(parts):
        found = moodle_name(part)
        if found:
            fullname, participant, rest = found
            filename = rest if k == len(parts) - 1 else parts[-1]
            return fullname, participant, filename or parts[-1]
    student = parts[0] if len(parts) > 1 else PurePosixPath(parts[-1]).stem
    return student, None, parts[-1]


def _regular(path: Path) -> str | None:
    """``None`` si ``path`` est un fichier ordinaire (pas un lien), sinon la raison du refus."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        return f"illisible ({exc.strerror})"
    if stat.S_ISLNK(info.st_mode):
        return "lien symbolique refusé"
    if not stat.S_ISREG(info.st_mode):
        return "ce n'est pas un fichier ordinaire"
    return None


def _inside(path: Path, root: Path) -> bool:
    """Le chemin réel reste sous la racine, sans passer par un dossier-lien entre les deux."""
    real, base = os.path.realpath(path), os.path.realpath(root)
    if not (real == base or real.startswith(base.rstrip("/") + "/")):
        return False
    parent, top = Path(os.path.abspath(path)).parent, Path(os.path.abspath(root))
    while parent != top and top in parent.parents:
        if parent.is_symlink():
            return False
        parent = parent.parent
    return True


def collect(arguments: list[str]) -> tuple[list[Copy], list[str]]:
    """Les copies désignées par ``arguments`` (fichiers ou dossiers) et les problèmes rencontrés (en français)."""
    problems: list[str] = []
    groups: list[tuple[Path, list[Path]]] = []
    files = []
    for arg in arguments:
        path = Path(arg)
        if path.is_dir() and not path.is_symlink():
            found = []
            for top, dirs, names in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
                found += [Path(top) / n for n in sorted(names) if n.endswith(".ipynb") and not n.startswith(".")]
            groups.append((path, found))
        elif os.path.lexists(path):
            files.append(path)
        else:
            problems.append(f"{display_name(arg)} : introuvable")
    if files:
        parents = [os.path.abspath(f.parent) for f in files]
        groups.append((Path(os.path.commonpath(parents)), files))
    several = len(groups) > 1
    copies, seen = [], set()
    for root, paths in groups:
        for path in paths:
            relative = PurePosixPath(*Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).parts)
            if several:
                relative = PurePosixPath(Path(os.path.abspath(root)).name) / relative
            key = display_name(str(relative))
            problem = _regular(path) or (None if _inside(path, root) else "hors du dossier des copies")
            if problem:
                problems.append(f"{key} : {problem}")
                continue
            if key in seen:
                problems.append(f"{key} : donnée deux fois")
                continue
            seen.add(key)
            student, participant, filename = _identity(PurePosixPath(key))
            copies.append(Copy(Path(os.path.abspath(path)), key, student, participant, filename))
    return copies, problems
