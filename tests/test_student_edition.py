"""L'édition élève : tout ce qu'on donne à une classe notée, sans solution, corrigé ni vérification cachée.

La commande ``tools/build_student_edition.py`` est lancée une fois (fixture de
module), avec des ajouts privés d'enseignant : un cahier entier (``ex99``, avec
une vérification cachée) et une vérification privée du cahier 2. Puis on cherche,
dans le dépôt produit, dans le paquet tel que ``pip`` l'installe et dans le site
(pages et téléchargements), chaque ligne de solution, chaque corrigé et chaque
vérification cachée ; et l'on vérifie, sur l'édition publique, que la même
recherche les trouve (sans quoi elle ne prouverait rien).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from lstm_lib.grading import definition, notebooks
from lstm_lib.grading.registry import clear_private_checks, load_private_checks, private_checks

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import build_student_edition as edition  # noqa: E402

TEACHER_URL = "https://github.com/prof-exemple/lstm-eleve"
PUBLIC_SLUG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"].removeprefix(
    "https://github.com/")

PRIVATE_NOTEBOOK = '''
"""Un cahier privé d'enseignant (absent du dépôt public)."""
import numpy as np
import lstm_lib
from lstm_lib.grading import ChoiceExercise, FunctionExercise, ValueExercise, draw

NOTEBOOK = "ex99_prive"
CHAPTER = "Séance privée"
TITLE = "Exercices privés de la séance 7"
INTRO = "Deux exercices que seule cette classe reçoit."

EXERCISES = [
    FunctionExercise(
        key="ex1", title="Doubler une porte", points=2, target="double_gate",
        statement="Écrivez `double_gate(f)` qui rend `2 * f`.",
        starter="def double_gate(f):\\n    raise NotImplementedError\\n",
        solution="def double_gate(f):\\n    doubled_secretly = f + f  # astuce privée zygomorphe\\n    return doubled_secretly\\n",
        hint="Additionnez la porte à elle-même.",
        cases=lambda rng: [(draw.unit(rng, 4),) for _ in range(2)],
        reference=lambda f: 2 * f,
        mistakes=[("Vous rendez la porte elle-même, pas son double.", lambda f: f)],
    ),
    ChoiceExercise(
        key="ex2", title="Une lettre", points=1, target="answer_private",
        statement="Choisissez **a** ou **b**.",
        starter="answer_private = None  # \\"a\\" ou \\"b\\"\\n",
        solution="answer_private = \\"a\\"  # la réponse privée xylophone\\n",
        hint="La première.",
        choices={"a": "", "b": ""}, answer="a",
        feedback={"b": "Non : la lettre b est la mauvaise, explication privée quetzalcoatl."},
    ),
    ValueExercise(
        key="ex3", title="Un nombre", points=1, target="private_value",
        statement="Écrivez 7,25.", starter="private_value = ...  # un nombre\\n",
        solution="private_value = 7.25  # valeur privée ornithorynque\\n",
        check=lambda v: None if v == 7.25 else "ce n'est pas la valeur attendue",
    ),
]

HIDDEN_CHECKS = [
    FunctionExercise(
        key="ex1-cache", title="Vérification cachée des grandes tailles (basilic)", points=1,
        target="double_gate", cell="reponse-ex1",
        cases=lambda rng: [(draw.unit(rng, 400),)], reference=lambda f: 2 * f,
    ),
]
'''

PRIVATE_CHECKS = '''
import numpy as np
import lstm_lib
from lstm_lib.grading import FunctionExercise, register

register("ex02", FunctionExercise(
    key="ex1-prive", title="Vérification privée de la porte d'oubli (chimère)", points=1,
    target="forget_gate", cell="reponse-ex1",
    cases=lambda rng: [(rng.normal(size=40), rng.normal(size=9), rng.normal(size=(40, 49)), rng.normal(size=40))],
    reference=lambda h, x, W, b: lstm_lib.forget_gate(h, x, W, b),
))
'''


def _private_dir(tmp: Path) -> Path:
    directory = tmp / "prive"
    directory.mkdir()
    (directory / "ex99_prive.py").write_text(PRIVATE_NOTEBOOK, encoding="utf-8")
    (directory / "verifications.py").write_text(PRIVATE_CHECKS, encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("edition_eleve")
    private = _private_dir(tmp)
    output = tmp / "sortie"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_student_edition.py"), "--repository", TEACHER_URL,
         "--exercises", str(private), "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )
    (tmp / "build.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    assert proc.returncode == 0, f"journal : {tmp / 'build.log'}\n" + proc.stderr[-3000:]
    assert "Vérifié : aucune des" in proc.stdout
    # Le paquet tel que pip l'installe depuis ce dépôt (la cellule Colab, binder/postBuild).
    installed = tmp / "installe"
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(installed), str(output / "depot")],
        capture_output=True, text=True, timeout=600,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    # Ce qui ne doit pas sortir, avec les ajouts privés chargés le temps du calcul.
    clear_private_checks()
    try:
        load_private_checks(private)
        modules = [definition(name) for name in notebooks()]
        secrets = edition.secrets_of(modules, list(private_checks().items()))
    finally:
        clear_private_checks()
    return {"depot": output / "depot", "site": output / "_build" / "html", "installed": installed,
            "private": private, "secrets": secrets, "log": proc.stdout}


def test_fingerprints_cover_every_kind(built):
    kinds = {kind for kind, _, _ in built["secrets"]}
    assert kinds == {"solution", "corrigé", "vérification cachée"}
    with_solution = {where for kind, where, _ in built["secrets"] if kind == "solution"}
    all_exercises = {f"{name} {ex.key}" for name in notebooks() for ex in definition(name).EXERCISES} | {
        "ex99 ex1", "ex99 ex2", "ex99 ex3"}
    missing = sorted(all_exercises - with_solution)
    print(f"{len(built['secrets'])} empreintes ; exercices sans empreinte de solution : {missing}")
    # Seules exceptions : des solutions d'une ligne que la bibliothèque du livre écrit elle-même
    # (update_memory et hidden_output sont lstm_lib.cells) ; elles sont publiques par nature.
    assert missing == ["ex03 ex1", "ex03 ex2"]
    hidden = {text for kind, _, text in built["secrets"] if kind == "vérification cachée"}
    assert hidden == {"Vérification cachée des grandes tailles (basilic)",
                      "Vérification privée de la porte d'oubli (chimère)"}


def test_the_search_finds_them_in_the_public_edition(built):
    """Le témoin : dans l'édition publique et les fichiers privés, chaque empreinte est trouvée."""
    leaks = edition.find_leaks([ROOT / "exercises", ROOT / "lstm_lib" / "grading", built["private"]], built["secrets"])
    found = {(kind, where, text) for _, kind, where, text in leaks}
    assert found == set(built["secrets"])


@pytest.mark.parametrize("place", ["depot", "installed", "site"])
def test_nothing_secret_is_given_to_students(built, place):
    leaks = edition.find_leaks([built[place]], built["secrets"])
    assert leaks == [], "\n".join(f"{p} : {kind} ({where}) : {text}" for p, kind, where, text in leaks[:20])


def test_the_installed_package_has_catalogs_not_sources(built):
    grading = next(built["installed"].glob("lstm_lib/grading"))
    names = sorted(p.name for p in grading.glob("*.py"))
    assert not [n for n in names if re.fullmatch(r"ex\d\d\.py", n)], names
    assert sorted(p.name for p in (grading / "student").glob("ex*.py")) == [f"{n}.py" for n in notebooks()] + ["ex99.py"]
    assert not (built["installed"] / "lstm_grader").exists()


GRADED_MODE = '''
import json, numpy as np, lstm_lib
from lstm_lib.grading import Cahier, exercises_for
from lstm_lib.grading.notebook import check_locally
out = {"file": lstm_lib.__file__}
ns = {"np": np, "lstm_lib": lstm_lib}
cahier = Cahier("ex99", ns)
for answer in ("a", "b"):
    exec(f"answer_private = {answer!r}\\nprivate_value = {7.25 if answer == 'a' else 1.0}", ns)
    v2, v3 = cahier.ex2.resultat(), cahier.ex3.resultat()
    out[answer] = [v2.statut, v2.points, v2.message, v3.statut, v3.message]
exec("def double_gate(f):\\n    return f\\n", ns)
v = cahier.ex1.resultat(); out["mistake"] = [v.statut, v.message]
exec("def double_gate(f):\\n    return 2.0 * f\\n", ns)
out["right"] = cahier.ex1.resultat().statut
table = Cahier("ex06", ns)
exec("bidirectional_allowed = {'a': True, 'b': True, 'c': True, 'd': True}", ns)
v = table.ex4.resultat(); out["table"] = [v.statut, v.message]
exec("answer_private = 'z'", ns)
out["bad_letter"] = cahier.ex2.resultat().statut
cahier.ex1.solution()
try:
    exercises_for("ex02")
    out["grader"] = "accepté"
except ValueError as exc:
    out["grader"] = str(exc)
print("JSON" + json.dumps(out))
'''


def test_graded_mode_records_choices_and_values_without_a_verdict(built):
    env = {**os.environ, "PYTHONPATH": str(built["installed"])}
    proc = subprocess.run([sys.executable, "-c", GRADED_MODE], capture_output=True, text=True, env=env,
                          cwd=built["installed"], timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.split("JSON", 1)[1])
    assert out["file"].startswith(str(built["installed"]))
    right, wrong = out["a"], out["b"]
    # Juste ou fausse, la réponse est enregistrée : même statut, 0 point, même message (à la lettre près).
    assert right[0] == wrong[0] == "enregistré" and right[1] == wrong[1] == 0
    def echo_removed(message):
        return re.sub(r"«\s*[ab]\s*»", "«?»", message)
    assert echo_removed(right[2]) == echo_removed(wrong[2])
    assert "notée à la correction" in right[2] and "quetzalcoatl" not in wrong[2]
    assert right[3] == wrong[3] == "enregistré" and "7,25" in right[4] and "1" in wrong[4]
    assert out["table"][0] == "enregistré" and "fausse" not in out["table"][1]
    # Les fonctions gardent un verdict immédiat, sur des entrées d'essai, avec les erreurs typiques.
    assert out["mistake"][0] == "faux" and "pas son double" in out["mistake"][1]
    assert out["right"] == "réussi"
    assert out["bad_letter"] == "faux"  # la forme est contrôlée : « z » n'est pas une lettre permise
    assert "Pas de solution dans cette édition" in proc.stdout
    assert "édition élève" in out["grader"]  # le correcteur refuse une installation sans corrigés


def test_links_install_the_student_edition(built):
    depot = built["depot"]
    config = yaml.safe_load((depot / "_config.yml").read_text(encoding="utf-8"))
    assert config["repository"]["url"] == TEACHER_URL and config["sphinx"]["config"]["hide_solutions"] is True
    for path in sorted(depot.rglob("*.ipynb")):
        first = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
        assert f"git+{TEACHER_URL}" in "".join(first["source"]), path
    assert "-e ." in (depot / "binder" / "postBuild").read_text(encoding="utf-8")
    pages = [p for p in built["site"].rglob("*.html")]
    assert len(pages) > 10
    launch = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert PUBLIC_SLUG not in text, f"{page} : lien vers le livre public (avec les solutions)"
        launch += text.count("prof-exemple/lstm-eleve")
    assert launch > 0


def test_site_and_pages_have_no_solution_blocks(built):
    depot, site = built["depot"], built["site"]
    for path in list(depot.rglob("*.ipynb")) + list(depot.rglob("*.md")):
        if path.name not in ("CONTRIBUTING.md",):
            assert "{solution}" not in path.read_text(encoding="utf-8"), path
    for path in site.rglob("*.html"):
        assert 'class="solution' not in path.read_text(encoding="utf-8"), path
    downloads = list((site / "_sources").rglob("*.ipynb"))
    assert downloads and all("{solution}" not in p.read_text(encoding="utf-8") for p in downloads)
    # Le cahier privé est une page du site, avec ses exercices mais sans corrigé.
    private = (site / "exercises" / "ex99_prive.html").read_text(encoding="utf-8")
    assert "Doubler une porte" in private and "xylophone" not in private
    index = (site / "exercises" / "index.html").read_text(encoding="utf-8")
    assert "ex99_prive" in index and "Séance privée" in index


def test_chapter_questions_keep_their_statements(built):
    """Retirer les solutions des chapitres ne retire pas les questions."""
    for path in (ROOT / "chapters").glob("*.ipynb"):
        public = path.read_text(encoding="utf-8")
        student = (built["depot"] / "chapters" / path.name).read_text(encoding="utf-8")
        assert public.count("{exercise}") == student.count("{exercise}") > 0
        assert student.count("{solution}") == 0 < public.count("{solution}")


def test_build_log_names_what_it_checked(built):
    match = re.search(r"aucune des (\d+) empreintes", built["log"])
    assert match and int(match.group(1)) == len(built["secrets"])


def test_excluded_from_the_depot(built):
    depot = built["depot"]
    for rel in ("tests", "benchmarks", ".ci", "tools/build_student_edition.py", "tools/make_exercises.py"):
        assert not (depot / rel).exists(), rel
    assert textwrap.dedent("Édition élève") in (depot / "README.md").read_text(encoding="utf-8")
