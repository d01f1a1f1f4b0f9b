#!/usr/bin/env bash
# Prépare .venv puis lance toute la suite de tests (idempotent).
#
# La suite construit le livre une fois (build -n -W --keep-going), vérifie les
# pages, puis ré-exécute chaque cahier avec nbval. Arguments transmis à pytest
# (ex. tools/test.sh -k toc -x).
#
# Pré-étapes : chaque script tools/pretest.d/*.sh est lancé avant pytest, dans
# l'ordre alphabétique (ex. « npm ci » pour les tests dans le navigateur).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/tools/setup_env.sh"
VENV="${VENV:-$ROOT/.venv}"
export PATH="$VENV/bin:$PATH"

shopt -s nullglob
for step in "$ROOT"/tools/pretest.d/*.sh; do
    echo "Pré-étape : ${step#"$ROOT"/}"
    bash "$step"
done

rc=0
"$VENV/bin/python" -m pytest "$@" || rc=$?
case "$rc" in
    0) ;;
    5) echo "Erreur : pytest n'a collecté aucun test (code 5)." >&2; rc=1 ;;
    *) echo "Échec : pytest a rendu le code $rc." >&2 ;;
esac
exit "$rc"
