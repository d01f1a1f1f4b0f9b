"""Construit l'« édition élève » : tout ce qu'on donne à une classe notée, sans solutions.

Usage ::

    python tools/build_student_edition.py --repository https://github.com/prof/lstm-eleve \\
        [--branch main] [--exercises mes_cahiers/] [--output _build/eleve] [--no-site] [--dry-run]

Une seule commande produit, dans ``--output`` (défaut ``_build/eleve``) :

- ``depot/`` : le dépôt de l'édition élève, à publier tel quel à l'adresse
  ``--repository`` (les boutons Binder et Colab, la cellule Colab de chaque cahier
  et ``binder/`` l'installent depuis là) :

  - les cahiers d'exercices générés sans solutions (``tools/make_exercises.py``,
    édition ``eleve``), y compris ceux de ``--exercises`` ;
  - le paquet ``lstm_lib`` **sans les sources des exercices** : à leur place, des
    catalogues publics (``lstm_lib/grading/student/exNN.py``, voir
    :mod:`lstm_lib.grading.catalog`) — quelques entrées d'essai et leurs résultats
    attendus, jamais de solution, de corrigé de question ni de vérification cachée ;
  - les chapitres sans les blocs ``{solution}`` de leurs questions ;
  - ``_config.yml`` : titre « (édition élève) », ``hide_solutions``, l'adresse du dépôt ;
  - ni ``tests/``, ni ``benchmarks/``, ni ``.ci/``, ni ces deux outils ;
- ``_build/html`` : le site de cette édition (sauf ``--no-site``), construit comme
  le livre (``-n -W --keep-going``, zéro avertissement), ses cahiers exécutés avec le
  paquet de l'édition élève.

Pour finir, la commande cherche dans tout ce qu'elle a produit (dépôt, site,
téléchargements) chaque solution, chaque corrigé et chaque vérification cachée
des sources (:func:`secrets_of`, :func:`find_leaks`) et échoue si elle en trouve.

Les ajouts privés de l'enseignant (``--exercises`` : un fichier ou un dossier,
voir :mod:`lstm_lib.grading.registry`) entrent dans l'édition élève sans leurs
corrigés ; le correcteur les reçoit avec ``--checks`` du même chemin.
"""

from __future__ import annotations

import argparse
import ast
import copy
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import book  # noqa: E402  (tools/book.py : commande jupyter-book, détection des avertissements)
import colab_cell  # noqa: E402
import make_exercises  # noqa: E402

from lstm_lib.grading import harvest, layout  # noqa: E402
from lstm_lib.grading.catalog import FORMAT  # noqa: E402
from lstm_lib.grading.core import ChoiceExercise, FunctionExercise, ValueExercise, fr  # noqa: E402
from lstm_lib.grading.registry import definition, load_private_checks, notebooks, private_checks  # noqa: E402

SUFFIX = " (édition élève)"
STUDENT = layout.EDITIONS[1]
#: Graine des entrées d'essai des catalogues (publique : le correcteur tire les siennes en secret).
CATALOG_SEED = 2024
#: Ce que le dépôt de l'édition élève ne contient pas (chemins relatifs, « / » final : un dossier).
EXCLUDED = ("tests/", "benchmarks/", ".ci/", "tools/build_student_edition.py", "tools/make_exercises.py")
SOURCE_FILE = re.compile(r"^lstm_lib/grading/ex\d\d\.py$")
TOOL = "tools/build_student_edition.py"


# --------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------

def load_base(root: Path = ROOT) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}


def student_config(base: dict, repository: str | None = None, branch: str | None = None) -> dict:
    """La configuration de l'édition élève, dérivée de ``base`` (le contenu de ``_config.yml``).

    Seuls changent le titre, ``hide_solutions`` et, si donnés, l'adresse et la branche du dépôt.
    """
    config = copy.deepcopy(base)
    config["title"] = f"{config.get('title', '')}{SUFFIX}"
    sphinx = config.setdefault("sphinx", {}) or {}
    config["sphinx"] = sphinx
    sphinx["config"] = dict(sphinx.get("config") or {})
    sphinx["config"]["hide_solutions"] = True
    if repository:
        config["repository"] = {**(config.get("repository") or {}), "url": repository}
    if branch:
        config["repository"] = {**(config.get("repository") or {}), "branch": branch}
    return config


def build_config(config: dict, tools: Path = ROOT / "tools", cache: Path = ROOT / "_build" / ".jupyter_cache") -> dict:
    """La configuration du build local : extensions du livre (chemins absolus) et cache d'exécution partagé."""
    config = copy.deepcopy(config)
    sphinx = config.setdefault("sphinx", {})
    local = sphinx.get("local_extensions") or {}
    sphinx["local_extensions"] = {name: str(tools.resolve()) for name in local}
    config.setdefault("execute", {})["cache"] = str(cache)
    return config


def command(config_path: Path, source: Path, output: Path) -> list[str]:
    return book.jupyter_book_command() + [
        "build", str(source), "-n", "-W", "--keep-going", "--config", str(config_path),
        "--path-output", str(output),
    ]


# --------------------------------------------------------------------------
# Catalogues publics (ce qu'installe l'élève à la place des sources)
# --------------------------------------------------------------------------

def _solution_outputs(ex: FunctionExercise, cases: list) -> list:
    import lstm_lib

    ns = {"np": np, "lstm_lib": lstm_lib}
    exec(compile(ex.solution, f"<solution {ex.key}>", "exec"), ns)
    return [ns[ex.target](*copy.deepcopy(args)) for args in cases]


def catalog_for(module, seed: int = CATALOG_SEED) -> dict:
    """Le catalogue public d'une source (voir :mod:`lstm_lib.grading.catalog`)."""
    encode = harvest.local_namespace()["encode"]
    short = make_exercises.validate_source(module)
    entries = []
    for ex in module.EXERCISES:
        entry = {"key": ex.key, "title": ex.title, "points": ex.points, "target": ex.target,
                 "cell": ex.cell, "hints": list(ex.hints), "minutes": ex.minutes, "level": ex.level}
        if isinstance(ex, FunctionExercise):
            rng = np.random.default_rng([seed, zlib.crc32(f"{short}-{ex.key}".encode())])
            if ex.check is not None and ex.preview_cases is not None:  # la forme seule : des essais plus petits
                cases = list(ex.preview_cases(rng))
            else:
                cases = ex.make_spec(rng)["cases"]
            if ex.check is None:
                expected, mistakes = ex.expected_outputs(cases), ex.mistake_outputs(cases)
            else:  # juge sur mesure : on n'expose que la forme du résultat (celui de la solution)
                expected, mistakes = _solution_outputs(ex, cases), []
                if any(e is None for e in expected):
                    # None est alors une réponse (« ce filtre n'est pas fixe ») : dire quels cas l'attendent
                    # donnerait la réponse ; aucune forme n'est vérifiée (None : n'importe quel résultat).
                    expected = [None] * len(expected)
            parts = {k: list(v) for k, v in ex.parts.items()} if isinstance(ex.parts, dict) else list(ex.parts)
            entry.update(
                kind="function", forbidden=list(ex.forbidden), parts=parts,
                cases=[encode(tuple(args)) for args in cases],
                expected=[encode(e) for e in expected],
                mistakes=[[msg, None if outs is None else [encode(o) for o in outs]] for msg, outs in mistakes],
                values_at_grading=ex.check is not None,
            )
        elif isinstance(ex, ChoiceExercise) and ex.questions:
            entry.update(kind="table", questions=list(ex.questions))
        elif isinstance(ex, ChoiceExercise) and ex.shuffled:
            # Les textes dans l'ordre de référence (textes hachés) : rien n'y dit la bonne réponse.
            entry.update(kind="choice", texts=[ex.choices[label] for label in ex.canonical()])
        elif isinstance(ex, ChoiceExercise):
            entry.update(kind="choice", choices=list(ex.choices))
        elif isinstance(ex, ValueExercise):
            entry.update(kind="value", variables={name: p.to_dict() for name, p in ex.variables.items()},
                         show=ex.show)
        else:
            raise TypeError(f"{short} {ex.key} : sorte d'exercice inconnue ({type(ex).__name__})")
        entries.append(entry)
    return {"format": FORMAT, "notebook": module.NOTEBOOK, "title": module.TITLE,
            "intro": getattr(module, "INTRO", ""), "chapter": getattr(module, "CHAPTER", ""),
            "exercises": entries}


def catalog_module(module, seed: int = CATALOG_SEED) -> str:
    """Le texte du module ``student/exNN.py`` : le catalogue en JSON dans une chaîne."""
    text = json.dumps(catalog_for(module, seed), ensure_ascii=False, sort_keys=True)
    return (f'"""Catalogue public du cahier {module.NOTEBOOK} (édition élève), généré par {TOOL} — ne pas modifier.\n\n'
            f"Voir lstm_lib.grading.catalog pour son format.\n\"\"\"\n\nCATALOG = {text!r}\n")


def self_check_catalog(module, text: str) -> None:
    """La solution de chaque exercice passe la vérification du catalogue (sinon le catalogue est faux)."""
    import lstm_lib
    from lstm_lib.grading.catalog import load
    from lstm_lib.grading.notebook import ExerciseHandle, check_locally

    ns: dict = {}
    exec(compile(text, "<catalogue>", "exec"), ns)
    public = load(ns["CATALOG"])
    for ex, entry in zip(module.EXERCISES, public.EXERCISES):
        namespace = {"np": np, "lstm_lib": lstm_lib}
        # les poignées ex1, ex2… de la cellule de préparation : une solution lit ses valeurs et ses lettres
        namespace.update({e.key: ExerciseHandle(e, namespace) for e in public.EXERCISES})
        exec(compile(ex.solution, f"<solution {ex.key}>", "exec"), namespace)
        verdict = check_locally(entry, namespace)
        if verdict.statut not in ("réussi", "enregistré"):
            raise RuntimeError(f"catalogue de {module.NOTEBOOK}, {ex.key} : la solution n'y passe pas "
                               f"({verdict.statut} : {verdict.message})")


# --------------------------------------------------------------------------
# Le dépôt de l'édition élève
# --------------------------------------------------------------------------

def repository_files(root: Path = ROOT) -> list[str]:
    """Les fichiers du dépôt (suivis, ou nouveaux et non ignorés), en chemins relatifs."""
    try:
        out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                             cwd=root, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        raise SystemExit("build_student_edition : ce dossier n'est pas un dépôt git (git ls-files a échoué)")
    return sorted(p for p in out.decode("utf-8").split("\0") if p and (root / p).is_file())


def is_excluded(rel: str) -> bool:
    return bool(SOURCE_FILE.match(rel)) or any(rel == e or (e.endswith("/") and rel.startswith(e)) for e in EXCLUDED)


_SOLUTION_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|:{3,})\{solution\}")


def strip_solutions(text: str) -> str:
    """Retire d'un texte MyST les blocs ``{solution}`` (clôtures ``` ou :::) ; le reste est intact."""
    out, lines, k = [], text.split("\n"), 0
    while k < len(lines):
        match = _SOLUTION_OPEN.match(lines[k])
        if not match:
            out.append(lines[k])
            k += 1
            continue
        fence = match.group("fence")
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        k += 1
        while k < len(lines) and not closing.match(lines[k]):
            k += 1
        k += 1  # la clôture
        while out and out[-1].strip() == "" and k < len(lines) and lines[k].strip() == "":
            k += 1  # pas de double ligne vide à la place du bloc
    return "\n".join(out).strip("\n") + ("\n" if text.endswith("\n") else "")


def _strip_notebook(path: Path, colab_source: str) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            text = strip_solutions(text)
            if not text.strip():
                continue
            cell["source"] = text.splitlines(keepends=True)
        elif colab_cell.is_colab_cell(cell):
            cell["source"] = colab_source.splitlines(keepends=True)
        cells.append(cell)
    nb["cells"] = cells
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _toc_with(toc: dict, modules) -> dict:
    toc = copy.deepcopy(toc)
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            if chapter.get("file") == "exercises/index":
                chapter["sections"] = [{"file": f"exercises/{m.NOTEBOOK}"} for m in modules]
    return toc


def make_depot(depot: Path, modules, repository: str, branch: str | None = None, root: Path = ROOT) -> None:
    """Écrit le dépôt de l'édition élève dans ``depot`` (vidé d'abord)."""
    if depot.exists():
        shutil.rmtree(depot)
    for rel in repository_files(root):
        if is_excluded(rel) or (rel.startswith("exercises/") and rel.endswith(".ipynb")):
            continue
        target = depot / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)
    # Les catalogues publics, à la place des sources.
    student = depot / "lstm_lib" / "grading" / "student"
    student.mkdir(parents=True, exist_ok=True)
    (student / "__init__.py").write_text(
        f'"""Catalogues publics des cahiers (édition élève), générés par {TOOL} — ne pas modifier."""\n',
        encoding="utf-8")
    for module in modules:
        text = catalog_module(module)
        self_check_catalog(module, text)
        (student / f"{make_exercises.validate_source(module)}.py").write_text(text, encoding="utf-8")
    # Les cahiers d'exercices sans solutions ; l'index ; la table des matières.
    for module in modules:
        nb = make_exercises.notebook_for(module, edition=STUDENT, colab_url=repository)
        (depot / "exercises" / f"{module.NOTEBOOK}.ipynb").write_text(make_exercises.render(nb), encoding="utf-8")
    index = depot / "exercises" / "index.md"
    index.write_text(make_exercises.index_text(index.read_text(encoding="utf-8"), modules, STUDENT), encoding="utf-8")
    toc = yaml.safe_load((depot / "_toc.yml").read_text(encoding="utf-8"))
    (depot / "_toc.yml").write_text(f"# Table des matières de l'édition élève, générée par {TOOL} — ne pas modifier.\n"
                                    + yaml.safe_dump(_toc_with(toc, modules), allow_unicode=True, sort_keys=False),
                                    encoding="utf-8")
    # Les pages : sans blocs {solution} ; la cellule Colab installe l'édition élève.
    colab_source = colab_cell.colab_source(repository)
    for path in sorted(depot.rglob("*")):
        rel = path.relative_to(depot).as_posix()
        if path.suffix == ".ipynb" and not rel.startswith("exercises/"):
            _strip_notebook(path, colab_source)
        elif path.suffix == ".md" and rel not in ("README.md", "CONTRIBUTING.md"):
            path.write_text(strip_solutions(path.read_text(encoding="utf-8")), encoding="utf-8")
    config = student_config(load_base(root), repository, branch)
    (depot / "_config.yml").write_text(f"# Configuration de l'édition élève, générée par {TOOL} — ne pas modifier.\n"
                                       + yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    readme = depot / "README.md"
    readme.write_text(fr(f"> **Édition élève**, générée par `{TOOL}` (ne pas modifier) : les exercices notés "
                         f"sans leurs solutions ni leurs corrigés.\n\n") + readme.read_text(encoding="utf-8"), encoding="utf-8")


# --------------------------------------------------------------------------
# Ce qui ne doit jamais sortir : solutions, corrigés, vérifications cachées
# --------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u00a0\u202f]+")
MIN_FINGERPRINT = 10


def normalise(text: str) -> str:
    return _SPACES.sub(" ", text)


def _public_text(root: Path = ROOT) -> str:
    """Ce que le livre montre ailleurs que dans ses exercices (chapitres, bibliothèque, outils)."""
    texts = []
    for rel in repository_files(root):
        if is_excluded(rel) or rel.startswith("exercises/") or rel.startswith("lstm_lib/grading/"):
            continue
        if rel.endswith((".py", ".ipynb", ".md", ".js")):  # le JavaScript des widgets est public aussi
            texts.append(normalise(readable_text(root / rel)))
    return "\n".join(texts)


def secrets_of(modules, extra_checks=(), root: Path = ROOT) -> list[tuple[str, str, str]]:
    """Les empreintes de ce qui ne doit pas sortir : ``[(sorte, cahier exN, texte)]``.

    - « solution » : chaque ligne de chaque solution qui n'est ni dans le code de départ, ni
      dans l'énoncé, ni ailleurs dans le livre (chapitres, bibliothèque) — ``answer = "b"``,
      ``b_f_090 = np.log(9)``… : une question à choix a son corrigé dans sa solution ;
    - « corrigé » : les explications des mauvais choix (``feedback``), et la ligne
      ``NOTEBOOK = "…"`` de chaque source (seule la source l'écrit ainsi) ;
    - « vérification cachée » : titre de chaque vérification cachée ou privée.
    """
    public = _public_text(root)
    found: list[tuple[str, str, str]] = []
    for module in modules:
        short = make_exercises.validate_source(module)
        found.append(("corrigé", f"{short}", f'NOTEBOOK = "{module.NOTEBOOK}"'))
        for ex in module.EXERCISES:
            where = f"{short} {ex.key}"
            # ce que l'élève voit déjà : énoncé, code de départ, indices, cellule d'aide (une boucle à réparer…)
            visible = normalise("\n".join([ex.starter, ex.statement, *ex.hints, getattr(ex, "helper", "") or ""]))
            for line in ex.solution.split("\n"):
                text = normalise(line).strip()
                if len(text) >= MIN_FINGERPRINT and text not in visible and text not in public:
                    found.append(("solution", where, text))
            if isinstance(ex, ChoiceExercise):
                for text in ex.feedback.values():
                    if len(normalise(text).strip()) >= MIN_FINGERPRINT:
                        found.append(("corrigé", where, normalise(text).strip()))
        for ex in getattr(module, "HIDDEN_CHECKS", ()):
            found.append(("vérification cachée", f"{short} {ex.key}", normalise(ex.title).strip()))
    for short, checks in extra_checks:
        for ex in checks:
            found.append(("vérification cachée", f"{short} {ex.key}", normalise(ex.title).strip()))
    return found


_TAG = re.compile(r"<[^>]+>")
_TEXT_SUFFIXES = {".py", ".md", ".txt", ".yml", ".yaml", ".toml", ".cfg", ".json", ".ipynb", ".html",
                  ".js", ".css", ".rst", ".bib", ".sh", ""}


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from _strings(item)


def readable_text(path: Path) -> str:
    """Le texte qu'un lecteur verrait dans ce fichier : JSON déplié, HTML sans balises."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in (".ipynb", ".json"):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            return raw
        return raw + "\n" + "\n".join("".join(s) if isinstance(s, list) else s for s in _strings(data))
    if path.suffix in (".html", ".js"):
        return raw + "\n" + html.unescape(_TAG.sub("", raw))
    if path.suffix == ".py":  # les chaînes du code, recollées (« "a" "b" » sur deux lignes) et décodées
        try:
            constants = [node.value for node in ast.walk(ast.parse(raw))
                         if isinstance(node, ast.Constant) and isinstance(node.value, str)]
        except (SyntaxError, ValueError):
            return raw
        for text in list(constants):
            if text.lstrip().startswith("{"):  # un catalogue : la chaîne JSON relue
                try:
                    constants += list(_strings(json.loads(text)))
                except json.JSONDecodeError:
                    pass
        return raw + "\n" + "\n".join(constants)
    return raw


def find_leaks(directories, secrets) -> list[tuple[str, str, str, str]]:
    """Les empreintes trouvées : ``[(fichier, sorte, cahier exN, texte)]``."""
    leaks = []
    for directory in directories:
        for path in sorted(Path(directory).rglob("*")):
            if not path.is_file() or path.suffix not in _TEXT_SUFFIXES or "node_modules" in path.parts:
                continue
            if ".jupyter_cache" in path.parts or path.stat().st_size > 20_000_000:
                continue
            text = normalise(readable_text(path))
            for kind, where, secret in secrets:
                if secret in text:
                    leaks.append((str(path), kind, where, secret))
    return leaks


# --------------------------------------------------------------------------
# La commande
# --------------------------------------------------------------------------

def build_site(depot: Path, output: Path) -> int:
    config = build_config(yaml.safe_load((depot / "_config.yml").read_text(encoding="utf-8")))
    with tempfile.TemporaryDirectory(prefix="edition-eleve-") as tmp:
        config_path = Path(tmp) / "_config.yml"
        config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        # Les cahiers s'exécutent avec le paquet de l'édition élève (le dépôt passe devant l'installation).
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(depot), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
        proc = subprocess.run(command(config_path, depot, output), cwd=depot, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace")
    log = book.ANSI.sub("", proc.stdout)
    sys.stdout.write(log)
    problems = [line for line in log.splitlines() if book.SPHINX_PROBLEM.search(line)]
    if proc.returncode == 0 and not problems:
        return 0
    print("\nLe build de l'édition élève a échoué ou a produit des avertissements :", file=sys.stderr)
    for line in problems:
        print("  " + line, file=sys.stderr)
    return proc.returncode or 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repository", required=True,
                        help="adresse où sera publié le dépôt de l'édition élève (boutons Binder et Colab, "
                             "cellule Colab) ; pas celle du livre public, qui contient les solutions")
    parser.add_argument("--branch", default=None, help="branche de ce dépôt (défaut : celle de _config.yml)")
    parser.add_argument("--exercises", type=Path, default=None,
                        help="cahiers privés de l'enseignant : un fichier .py ou un dossier (voir lstm_lib.grading.registry)")
    parser.add_argument("--output", type=Path, default=ROOT / "_build" / "eleve",
                        help="dossier de sortie : depot/ et _build/html (défaut : _build/eleve)")
    parser.add_argument("--no-site", action="store_true", help="le dépôt seulement, sans construire le site")
    parser.add_argument("--dry-run", action="store_true", help="affiche la configuration et la commande, sans rien écrire")
    args = parser.parse_args(argv)
    public_url = (load_base().get("repository") or {}).get("url", "")
    if args.repository.rstrip("/") == public_url.rstrip("/"):
        parser.error(f"--repository est l'adresse du livre public ({public_url}) : ses cahiers contiennent les "
                     f"solutions. Donnez l'adresse du dépôt où vous publierez l'édition élève.")
    if args.exercises is not None:
        try:
            load_private_checks(args.exercises)
        except Exception as exc:
            parser.error(f"cahiers privés illisibles ({args.exercises}) : {type(exc).__name__} : {exc}")
    output = args.output.resolve()
    depot = output / "depot"
    config = student_config(load_base(), args.repository, args.branch)
    if args.dry_run:
        print(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
        print(" ".join(command(Path("<configuration temporaire>"), depot, output)))
        return 0
    modules = [definition(name) for name in notebooks()]
    make_depot(depot, modules, args.repository, args.branch)
    print(f"Dépôt de l'édition élève : {depot}")
    if not args.no_site:
        if (rc := build_site(depot, output)) != 0:
            return rc
        print(f"Site de l'édition élève : {output / '_build' / 'html' / 'index.html'}")
    secrets = secrets_of(modules, list(private_checks().items()))
    leaks = find_leaks([depot] + ([] if args.no_site else [output / "_build" / "html"]), secrets)
    if leaks:
        print("\nL'édition élève contient des solutions, des corrigés ou des vérifications cachées :", file=sys.stderr)
        for path, kind, where, text in leaks[:50]:
            print(f"  {path} : {kind} ({where}) : {text[:80]}", file=sys.stderr)
        return 1
    print(f"Vérifié : aucune des {len(secrets)} empreintes de solutions, corrigés et vérifications "
          f"cachées n'y figure.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
