#!/usr/bin/env bash
# Prépare l'environnement Python du livre dans .venv (idempotent).
#
# Crée .venv avec Python 3.11 s'il n'existe pas, puis installe le paquet
# lstm_lib en mode éditable avec l'extra « dev » (Jupyter Book, nbval, pytest,
# PyTorch CPU, aeon…), le correcteur de l'enseignant (grader/) et l'attente des
# noyaux par tranches que partagent le build et le correcteur (tools/kernel-wait/),
# puis compile les fonctions numba d'aeon (tools/warm_aeon.py). L'installation
# n'est refaite que si l'un de leurs pyproject.toml a changé
# (empreinte gardée dans .venv/.lstm_setup_stamp).
#
# Variables : PYTHON (interpréteur à utiliser, défaut python3.11),
#             VENV (dossier de l'environnement, défaut .venv).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"

if [ -z "${PYTHON:-}" ]; then
    if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" - <<'PY'
import sys
if sys.version_info < (3, 10):
    sys.exit(f"Python 3.10 ou plus est nécessaire (3.11 conseillé) ; trouvé {sys.version.split()[0]}.")
PY
    echo "Création de l'environnement $VENV ($("$PYTHON" --version))"
    "$PYTHON" -m venv "$VENV"
fi

STAMP="$VENV/.lstm_setup_stamp"
WANT="$("$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(b"".join(open(p, "rb").read() for p in ("pyproject.toml", "grader/pyproject.toml", "tools/kernel-wait/pyproject.toml"))).hexdigest(), sys.version_info[:2])')"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && "$VENV/bin/python" -c "import lstm_lib, lstm_grader, kernel_wait, jupyter_book, nbval, aeon" 2>/dev/null; then
    echo "Environnement $VENV à jour."
    exit 0
fi

echo "Installation de lstm_lib, de ses outils (extra dev) et du correcteur (grader/) dans $VENV…"
"$VENV/bin/python" -m pip install -e ".[dev]" -e ./tools/kernel-wait -e ./grader
# Le premier appel des fonctions numba d'aeon (chapitre 9) les compile : une fois ici,
# pour que le chapitre tienne son budget dès sa première exécution.
"$VENV/bin/python" "$ROOT/tools/warm_aeon.py"
echo "$WANT" > "$STAMP"
