"""Mesure la vitesse du livre (ce n'est pas un test : rien ici n'échoue la suite).

Usage : ``.venv/bin/python benchmarks/bench_build.py [--skip-notebooks] [--skip-build]``

Affiche, en une exécution :

1. le temps d'exécution de chaque cahier (nbclient, un noyau neuf par cahier) ;
2. le temps d'un build complet à froid (copie du livre dans un dossier temporaire,
   sans cache d'exécution ni environnement Sphinx) ;
3. le temps du build suivant, après modification d'une cellule Markdown d'un
   chapitre : il mesure le cache d'exécution (aucun cahier ne doit être ré-exécuté).

Les builds ont lieu dans une copie : l'arbre de travail n'est jamais modifié.
Budgets (CPU à 2 cœurs) : livre entier ≤ 150 s (dix chapitres et leurs exercices),
aucun cahier > 30 s, build à froid ≤ 4 min (les cahiers, puis Sphinx), reconstruction
après une cellule ≤ 20 s. Le script nomme chaque budget dépassé et rend alors le code 1.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from kernel_wait import install as install_kernel_wait

install_kernel_wait()  # comme le build et le correcteur (voir tools/kernel-wait/kernel_wait.py)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import book  # noqa: E402

BUDGET_BOOK_S = 150.0
BUDGET_NOTEBOOK_S = 30.0
BUDGET_COLD_BUILD_S = 240.0
BUDGET_REBUILD_S = 20.0
CELL_TIMEOUT_S = 600
COPY_IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", ".ipynb_checkpoints", "*.egg-info")


def notebooks() -> list[Path]:
    return sorted(p for d in ("chapters", "exercises") for p in (ROOT / d).glob("*.ipynb"))


def time_notebook(path: Path) -> float:
    """Exécute ``path`` de bout en bout dans un noyau neuf ; rend la durée (s)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def touch_markdown_cell(chapter: Path) -> None:
    """Modifie le texte de la dernière cellule Markdown du chapitre (copie temporaire)."""
    nb = json.loads(chapter.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    if not cells:
        raise SystemExit(f"{chapter.name} n'a pas de cellule Markdown à modifier")
    source = cells[-1]["source"]
    addition = "\n\nPhrase ajoutée par benchmarks/bench_build.py.\n"
    cells[-1]["source"] = (source + addition) if isinstance(source, str) else source + [addition]
    chapter.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Vitesse d'exécution et de construction du livre.")
    parser.add_argument("--skip-notebooks", action="store_true", help="ne pas chronométrer les cahiers")
    parser.add_argument("--skip-build", action="store_true", help="ne pas chronométrer les builds")
    args = parser.parse_args(argv)
    broken: list[str] = []

    if not args.skip_notebooks:
        print("1. Exécution de chaque cahier (nbclient, noyau neuf)")
        total = 0.0
        for path in notebooks():
            try:
                seconds = time_notebook(path)
            except Exception as exc:  # un cahier qui plante : on le signale et on continue
                print(f"   {path.relative_to(ROOT)} : ÉCHEC ({type(exc).__name__})")
                broken.append(f"{path.relative_to(ROOT)} ne s'exécute pas : {type(exc).__name__}")
                continue
            total += seconds
            flag = "  ← budget dépassé" if seconds > BUDGET_NOTEBOOK_S else ""
            print(f"   {path.relative_to(ROOT)!s:45} {seconds:6.1f} s{flag}")
            if seconds > BUDGET_NOTEBOOK_S:
                broken.append(f"{path.relative_to(ROOT)} s'exécute en {seconds:.1f} s (budget {BUDGET_NOTEBOOK_S:.0f} s par cahier)")
        print(f"   {'total':45} {total:6.1f} s (budget {BUDGET_BOOK_S:.0f} s)")
        if total > BUDGET_BOOK_S:
            broken.append(f"le livre entier s'exécute en {total:.1f} s (budget {BUDGET_BOOK_S:.0f} s)")

    if not args.skip_build:
        with tempfile.TemporaryDirectory(prefix="bench-livre-") as tmp:
            copy = Path(tmp) / "livre"
            shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
            print("\n2. Build complet à froid (copie temporaire, sans cache)")
            cold = book.build(copy, echo=False)
            ran = cold.log.count("Executed notebook in")
            print(f"   {cold.seconds:6.1f} s (budget {BUDGET_COLD_BUILD_S:.0f} s) ; cahiers exécutés : {ran}")
            if not cold.ok:
                print("   le build a échoué ou averti :\n   " + "\n   ".join(cold.problems[:10]))
                broken.append("le build à froid échoue ou produit des avertissements")
            if cold.seconds > BUDGET_COLD_BUILD_S:
                broken.append(f"le build à froid prend {cold.seconds:.1f} s (budget {BUDGET_COLD_BUILD_S:.0f} s)")

            chapters = sorted((copy / "chapters").glob("*.ipynb"))
            if chapters:
                target = chapters[0]
                touch_markdown_cell(target)
                print(f"\n3. Reconstruction après une cellule Markdown modifiée ({target.relative_to(copy)})")
                warm = book.build(copy, echo=False)
                executed = warm.log.count("Executed notebook in")
                print(f"   {warm.seconds:6.1f} s (budget {BUDGET_REBUILD_S:.0f} s) ; cahiers ré-exécutés : {executed}")
                if not warm.ok:
                    broken.append("la reconstruction échoue ou produit des avertissements")
                if executed:
                    broken.append(f"la reconstruction a ré-exécuté {executed} cahier(s) : le cache d'exécution ne sert pas")
                if warm.seconds > BUDGET_REBUILD_S:
                    broken.append(f"la reconstruction après une cellule prend {warm.seconds:.1f} s (budget {BUDGET_REBUILD_S:.0f} s)")
            else:
                print("\n3. Reconstruction : aucun chapitre à modifier, mesure sautée")

    print()
    if broken:
        print("BUDGETS DÉPASSÉS :")
        for item in broken:
            print(f"  - {item}")
        return 1
    print("Tous les budgets sont tenus.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
