"""Génère les cahiers d'exercices et le tableau de ``exercises/index.md`` depuis leurs sources.

Usage ::

    python tools/make_exercises.py            # écrit exercises/exNN_*.ipynb et le tableau de l'index
    python tools/make_exercises.py --check    # n'écrit rien ; code 1 et la liste des écarts si un
                                              # fichier généré ne correspond plus à sa source

Chaque cahier a **une source** : le module ``lstm_lib/grading/exNN.py`` (voir
:mod:`lstm_lib.grading.registry` pour son format). Énoncés, codes de départ,
aides, indices, solutions et juges y sont écrits une fois ; ce script en tire le
cahier, cellule par cellule, dans la disposition que relit le correcteur
(:mod:`lstm_lib.grading.layout`). Les cahiers générés portent dans leurs
métadonnées ``lstm_grading.genere`` (« généré — ne pas modifier ») ; ``.gitattributes``
les marque ``linguist-generated`` (les revues de code les replient) ; dans
``exercises/index.md``, le tableau et le paragraphe propre à l'édition sont entre
deux commentaires MyST ``% généré…``, invisibles sur le site.

Deux éditions (:data:`lstm_lib.grading.layout.EDITIONS`) :

- ``publique`` (le livre publié, pour qui apprend seul) : avec les cellules de
  solution (menus déroulants sur le site) et ``exK.solution()`` ;
- ``eleve`` (un cours noté, voir ``tools/build_student_edition.py``) : sans
  solutions ; les questions à choix et les valeurs sont enregistrées sans verdict.

Une seule fonction fabrique les cahiers des deux éditions (:func:`notebook_for`) ;
``tools/build_student_edition.py`` et les tests s'en servent.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import colab_cell  # noqa: E402  (tools/colab_cell.py : la cellule Colab, identique partout)
import reading_time  # noqa: E402  (tools/reading_time.py : la durée d'un exercice, une seule règle)

from lstm_lib.grading import layout, variants  # noqa: E402
from lstm_lib.grading import rubric as rubric_lib  # noqa: E402
from lstm_lib.grading.core import ChoiceExercise, fr, plural  # noqa: E402
from lstm_lib.grading.registry import definition, notebooks, validate_source  # noqa: E402

PUBLIC, STUDENT = layout.EDITIONS
GENERATED = "généré par tools/make_exercises.py depuis {source} — ne pas modifier : modifiez la source"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

HOW_IT_WORKS = {
    PUBLIC: (
        "**Comment ça marche.** Chaque exercice a une cellule de réponse : remplacez le code de départ "
        "(`raise NotImplementedError` ou `...`) par votre réponse, exécutez la cellule, puis la cellule de "
        "vérification juste en dessous (`ex1.verifier()`). Le verdict s'affiche en couleur, sans jamais "
        "donner la réponse attendue. `ex1.indice()` donne un indice, `ex1.solution()` une solution. "
        "`cahier.bilan()`, à la fin, récapitule vos points."
    ),
    STUDENT: (
        "**Comment ça marche.** Chaque exercice a une cellule de réponse : remplacez le code de départ "
        "(`raise NotImplementedError` ou `...`) par votre réponse, exécutez la cellule, puis la cellule de "
        "vérification juste en dessous (`ex1.verifier()`). Pour une fonction à écrire, la vérification "
        "l'essaie sur quelques entrées fixes et dit ce qui ne va pas, sans donner la réponse attendue ; "
        "le correcteur l'essaiera sur des entrées nouvelles. Pour une question à choix ou une valeur à "
        "trouver, elle contrôle la forme de votre réponse et l'enregistre, sans dire si elle est juste : "
        "le verdict viendra de la correction. `ex1.indice()` donne un indice ; les solutions ne sont pas "
        "dans cette édition, votre enseignant les donnera après la correction. `cahier.bilan()`, à la "
        "fin, récapitule vos points."
    ),
}
IDENTITY_SOURCE = {
    PUBLIC: (
        "# Votre identité, si vous suivez un cours noté : votre nom complet, tel que le cours le connaît\n"
        "# (ou votre numéro d'étudiant). Elle fixe l'ordre des choix et les valeurs de vos énoncés ; le\n"
        "# correcteur recalcule les mêmes. Pour apprendre en autonomie, laissez-la vide.\n"
        f'{variants.IDENTITY_NAME} = ""'
    ),
    STUDENT: (
        "# Votre identité : votre nom complet, tel que le cours le connaît (ou votre numéro d'étudiant).\n"
        "# Elle fixe l'ordre des choix et les valeurs de vos énoncés ; le correcteur recalcule les mêmes.\n"
        "# Écrivez-la avant tout le reste, entre guillemets, et ne la changez plus.\n"
        f'{variants.IDENTITY_NAME} = ""'
    ),
}
PERSONAL_NOTE = {
    "choice": "Les choix s'affichent sous cet énoncé, dans un ordre propre à votre copie : répondez par la "
              "lettre que vous y lisez.",
    "value": "Vos valeurs s'affichent sous cet énoncé : elles sont propres à votre copie (un nombre recopié "
             "d'une autre copie n'y est pas juste).",
}
BEFORE_HANDING_IN = (
    "**Avant de rendre le cahier.** Ne renommez pas les fonctions et les variables demandées, ne "
    "supprimez pas et ne déplacez pas les cellules de réponse : le correcteur les retrouve par leur "
    "identifiant. Il ré-exécute tout le cahier de haut en bas, dans un noyau neuf, et appelle vos "
    "fonctions sur des entrées nouvelles : seul compte le code, pas les sorties affichées. Faites "
    "« Redémarrer le noyau et tout exécuter » avant de rendre votre copie."
)
CHECK_COMMENTS = {
    PUBLIC: "\n# {key}.indice()    # un indice\n# {key}.solution()  # une solution",
    STUDENT: "\n# {key}.indice()    # un indice",
}
BILAN_TITLE = "## Bilan\n\nLe tableau de vos points (une simple aide : la note vient du correcteur)."

#: Les blocs générés de ``exercises/index.md`` : entre « % généré:NOM » et « % fin:NOM ».
INDEX_BLOCKS = ("tableau", "detail", "edition")
_INDEX_STEP1 = (
    "1. remplacez le code de départ de la cellule de réponse (`raise NotImplementedError` ou\n"
    "   `...`) par votre réponse, puis exécutez la cellule ;\n"
)
INDEX_EDITION = {
    PUBLIC: _INDEX_STEP1 + (
        "2. exécutez la cellule de vérification, `ex1.verifier()` : le verdict s'affiche en couleur\n"
        "   (réussi, partiel, faux, erreur, non tenté) avec une explication — une forme ou un type\n"
        "   incorrects, des NaN, l'exception levée par votre code, ou une erreur typique reconnue\n"
        "   (portes échangées, sigmoïde au lieu de tanh, biais oublié, h et x concaténés dans le\n"
        "   mauvais ordre…). Il ne donne jamais la valeur attendue ;\n"
        "3. si besoin, `ex1.indice()` donne un indice et `ex1.solution()` une solution.\n\n"
        "`cahier.bilan()`, à la fin du cahier, affiche le tableau de vos points (et les solutions\n"
        "consultées). Les vérifications appellent vos fonctions sur des entrées tirées au hasard à\n"
        "chaque fois : une réponse recopiée « en dur » ne passe pas.\n\n"
        "Sur ce site, l'énoncé de chaque exercice est suivi de sa solution, dans un menu déroulant\n"
        "fermé : essayez d'abord !"
    ),
    STUDENT: _INDEX_STEP1 + (
        "2. exécutez la cellule de vérification, `ex1.verifier()`. Pour une fonction à écrire, elle\n"
        "   l'essaie sur quelques entrées fixes et affiche un verdict en couleur (réussi, partiel,\n"
        "   faux, erreur, non tenté) avec une explication — une forme ou un type incorrects, des NaN,\n"
        "   l'exception levée par votre code, ou une erreur typique reconnue. Pour une question à\n"
        "   choix ou une valeur à trouver, elle contrôle la forme de la réponse et l'enregistre\n"
        "   (« enregistré ») sans dire si elle est juste : le verdict viendra de la correction ;\n"
        "3. si besoin, `ex1.indice()` donne un indice. Cette édition ne contient pas les solutions :\n"
        "   votre enseignant les donnera après la correction.\n\n"
        "`cahier.bilan()`, à la fin du cahier, affiche le tableau de vos points et ceux qui attendent\n"
        "la correction. Le correcteur essaie vos fonctions sur des entrées nouvelles, tirées au moment\n"
        "de la correction : une réponse recopiée « en dur » ne passe pas."
    ),
}


# --------------------------------------------------------------------------
# Un cahier
# --------------------------------------------------------------------------

def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _markdown(cell_id: str, text: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": _lines(text)}


def _code(cell_id: str, text: str, tags: list[str] | None = None) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": cell_id,
            "metadata": {"tags": list(tags)} if tags else {}, "outputs": [], "source": _lines(text)}


def _comments_fr(code: str) -> str:
    """Typographie française dans les commentaires d'un code, jamais dans le code lui-même."""
    lines = []
    for line in code.split("\n"):
        head, sep, comment = line.partition("#")
        lines.append(head + sep + fr(comment) if sep and head.count('"') % 2 == 0 and head.count("'") % 2 == 0
                     else line)
    return "\n".join(lines)


def source_label(module) -> str:
    """Le chemin de la source, relatif au dépôt quand elle y est (« lstm_lib/grading/ex02.py »)."""
    path = Path(getattr(module, "__file__", "") or "")
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.name or str(module.NOTEBOOK)


def _statement(short: str, ex) -> str:
    """L'énoncé d'un exercice (directive ``{exercise}`` de sphinx-exercise) : titre, niveau, durée, texte."""
    label = f"{short}-{ex.key}"
    about = [f"niveau : {ex.level}"] if ex.level else []
    if ex.minutes:
        about.append(f"environ {ex.minutes:g} min")
    lines = [f"*{' · '.join(about).capitalize()}*"] if about else []
    lines.append(ex.statement)
    if ex.personal:
        lines.append(PERSONAL_NOTE["choice" if isinstance(ex, ChoiceExercise) else "value"])
    # La typographie s'applique au texte, pas à la directive entière : fr() prendrait la clôture
    # ```` pour un bloc de code et n'y toucherait pas.
    return (f"````{{exercise}} {ex.key} — {fr(ex.title)} — {plural(ex.points, 'point')}\n"
            f":label: {label}\n:nonumber:\n\n" + "\n\n".join(fr(line) for line in lines) + "\n````")


def notebook_for(module, *, edition: str = PUBLIC, colab_url: str | None = None) -> dict:
    """Le cahier (JSON nbformat 4.5) d'une source, dans une édition."""
    if edition not in layout.EDITIONS:
        raise ValueError(f"édition inconnue « {edition} » ; attendu {' ou '.join(layout.EDITIONS)}")
    short = validate_source(module)
    keys = [ex.key for ex in module.EXERCISES]
    setup = (
        "import numpy as np\n\nimport lstm_lib\nfrom lstm_lib.grading import Cahier\n"
        + (f"\n{module.SETUP.strip()}\n" if getattr(module, "SETUP", "") else "")
        + f'\ncahier = Cahier("{short}", globals())\n{", ".join(keys)}{"," if len(keys) == 1 else ""} = cahier.exercices'
    )
    intro = f"# {module.TITLE}\n\n{module.INTRO}\n\n{HOW_IT_WORKS[edition]}\n\n{BEFORE_HANDING_IN}"
    cells = [
        _code("colab-setup", colab_cell.colab_source(colab_url), colab_cell.TAGS),
        _markdown("introduction", fr(intro)),
        _code(layout.IDENTITY_ID, _comments_fr(IDENTITY_SOURCE[edition]), [layout.IDENTITY_ID]),
        _code("preparation", setup),
    ]
    for ex in module.EXERCISES:
        label = f"{short}-{ex.key}"
        statement = _markdown(layout.statement_id(ex.key), fr(_statement(short, ex)))
        if ex.minutes:
            statement["metadata"] = {reading_time.METADATA_KEY: {"minutes": ex.minutes}}
        cells.append(statement)
        if ex.personal:
            cells.append(_code(layout.data_id(ex.key), layout.data_source(ex.key)))
        if ex.helper:
            cells.append(_code(layout.helper_id(ex.key), ex.helper.rstrip("\n")))
        cells.append(_code(ex.cell_id, ex.starter.rstrip("\n"), layout.answer_tags(ex.key)))
        cells.append(_code(layout.check_id(ex.key),
                           layout.check_source(ex.key) + CHECK_COMMENTS[edition].format(key=ex.key)))
        if edition == PUBLIC:
            solution = (f"````{{solution}} {label}\n:class: dropdown\n\n"
                        f"```python\n{_comments_fr(ex.solution.rstrip())}\n```\n````")
            cells.append(_markdown(layout.solution_id(ex.key), solution))
    rubric = getattr(module, "RUBRIC", None)
    if rubric:  # un rapport noté à la main : sa grille (lstm_lib.grading.rubric), puis la cellule où l'écrire
        auto = sum(ex.points for ex in module.EXERCISES)
        cells.append(_markdown("rapport-grille", rubric_lib.student_markdown(rubric, auto)))
        cells.append(_markdown("rapport", fr(getattr(module, "REPORT_STARTER", "### Rapport"))))
    cells.append(_markdown("bilan-titre", fr(BILAN_TITLE)))
    cells.append(_code("bilan", "cahier.bilan()"))
    metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        layout.METADATA_KEY: {"cahier": short, "edition": edition,
                              "genere": GENERATED.format(source=source_label(module))},
    }
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def render(nb: dict) -> str:
    """Le texte du fichier ``.ipynb`` (même mise en forme que tools/colab_cell.py)."""
    return json.dumps(nb, ensure_ascii=False, indent=1) + "\n"


# --------------------------------------------------------------------------
# exercises/index.md
# --------------------------------------------------------------------------

def exercise_minutes(module) -> list[float]:
    """La durée de chaque exercice d'un cahier, en minutes : celle de la source (``minutes``), sinon
    l'estimation de ``tools/reading_time.py`` — la même que la ligne « exercices : ~… » des chapitres."""
    estimate = reading_time.estimate_exercises(notebook_for(module), module.NOTEBOOK)["exercises"]
    return [e["minutes"] for e in estimate]


def index_table(modules) -> str:
    rows = ["| cahier | chapitre | exercices | points | durée |", "| --- | --- | --- | --- | --- |"]
    for module in modules:
        points = f"{sum(ex.points for ex in module.EXERCISES):g}"
        if getattr(module, "RUBRIC", None):
            points += f" + {rubric_lib.total(module.RUBRIC):g} (rapport)"
        chapter = getattr(module, "CHAPTER", "") or "—"
        minutes = reading_time.format_minutes(sum(exercise_minutes(module)))
        rows.append(f"| {{doc}}`{module.NOTEBOOK}` | {fr(chapter)} | {len(module.EXERCISES)} | {points} | {minutes} |")
    return "\n".join(rows)


def index_detail(modules) -> str:
    """Le tableau des exercices un par un : niveau (ce qu'il demande de faire), durée, points."""
    rows = ["| cahier | exercice | niveau | durée | points |", "| --- | --- | --- | --- | --- |"]
    for module in modules:
        short = validate_source(module)
        for ex, minutes in zip(module.EXERCISES, exercise_minutes(module)):
            given = "" if ex.minutes else " (estimée)"
            rows.append(f"| {short} | {ex.key} — {fr(ex.title)} | {ex.level or '—'} | "
                        f"{reading_time.format_minutes(minutes)}{given} | {ex.points:g} |")
    return "\n".join(rows)


def replace_block(text: str, name: str, content: str, where: str = "exercises/index.md") -> str:
    """Remplace le bloc généré ``name`` de ``text`` (entre ses deux commentaires MyST)."""
    pattern = re.compile(rf"^% généré:{name}\b.*?\n.*?^% fin:{name}\b.*?$", re.M | re.S)
    if not pattern.search(text):
        raise ValueError(f"{where} : bloc généré « {name} » introuvable "
                         f"(attendu entre « % généré:{name} » et « % fin:{name} »)")
    block = (f"% généré:{name} — par tools/make_exercises.py, ne pas modifier à la main\n"
             f"{content}\n% fin:{name}")
    return pattern.sub(lambda _: block, text, count=1)


def index_text(text: str, modules, edition: str = PUBLIC) -> str:
    text = replace_block(text, "tableau", index_table(modules))
    text = replace_block(text, "detail", index_detail(modules))
    return replace_block(text, "edition", fr(INDEX_EDITION[edition]))


# --------------------------------------------------------------------------
# Tous les fichiers générés
# --------------------------------------------------------------------------

def modules_of(names=None) -> list:
    return [definition(name) for name in (names or notebooks())]


def generated_files(root: Path = ROOT, *, edition: str = PUBLIC, colab_url: str | None = None,
                    names=None) -> dict[Path, str]:
    """Les fichiers générés et leur contenu : ``{chemin: texte}``."""
    modules = modules_of(names)
    out = {root / "exercises" / f"{m.NOTEBOOK}.ipynb": render(notebook_for(m, edition=edition, colab_url=colab_url))
           for m in modules}
    index = root / "exercises" / "index.md"
    out[index] = index_text(index.read_text(encoding="utf-8"), modules, edition)
    guide = root / "guide-enseignant.md"
    graded = [m for m in modules if getattr(m, "RUBRIC", None)]
    if graded and guide.is_file():
        out[guide] = guide_text(guide.read_text(encoding="utf-8"), graded)
    return out


def guide_text(text: str, modules) -> str:
    """``guide-enseignant.md`` avec la grille de chaque rapport noté à la main (bloc « grille-exNN »)."""
    for module in modules:
        short = validate_source(module)
        auto = sum(ex.points for ex in module.EXERCISES)
        text = replace_block(text, f"grille-{short}", rubric_lib.teacher_markdown(module.RUBRIC, auto, module.NOTEBOOK),
                             where="guide-enseignant.md")
    return text


def drift(files: dict[Path, str]) -> list[Path]:
    """Les fichiers générés absents ou différents de ce que donne leur source."""
    return [p for p, text in files.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]


def orphans(root: Path = ROOT, names=None) -> list[Path]:
    """Les cahiers d'exercices qui n'ont plus de source."""
    wanted = {f"{m.NOTEBOOK}.ipynb" for m in modules_of(names)}
    return sorted(p for p in (root / "exercises").glob("ex[0-9][0-9]_*.ipynb") if p.name not in wanted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="n'écrit rien ; code 1 si un fichier généré ne correspond plus à sa source")
    args = parser.parse_args(argv)
    files = generated_files()
    stale, extra = drift(files), orphans()
    if args.check:
        for path in stale:
            print(f"à régénérer : {path.relative_to(ROOT)}")
        for path in extra:
            print(f"sans source : {path.relative_to(ROOT)}")
        if stale or extra:
            print("Les fichiers générés ne correspondent plus à leurs sources : lancez "
                  "python tools/make_exercises.py (et ne modifiez pas les cahiers à la main).", file=sys.stderr)
            return 1
        print(f"{len(files)} fichiers générés à jour.")
        return 0
    for path in stale:
        path.write_text(files[path], encoding="utf-8")
        print(f"écrit : {path.relative_to(ROOT)}")
    for path in extra:
        print(f"attention : {path.relative_to(ROOT)} n'a plus de source (supprimez-le, et retirez-le de _toc.yml)",
              file=sys.stderr)
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    for module in modules_of():
        if f"exercises/{module.NOTEBOOK}" not in toc:
            print(f"attention : ajoutez « - file: exercises/{module.NOTEBOOK} » aux sections de "
                  f"exercises/index dans _toc.yml", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
