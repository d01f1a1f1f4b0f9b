#!/usr/bin/env bash
# Le livre entier en PDF, depuis un clone neuf comme depuis un arbre déjà construit :
# prépare .venv, construit le site (tools/build.sh : rien n'est ré-exécuté s'il est à
# jour), puis l'imprime avec Chromium (tools/build_pdf.py). Le PDF arrive dans
# _build/pdf/comprendre-les-lstm.pdf. Arguments transmis à tools/build_pdf.py
# (ex. --solutions open, --output FICHIER.pdf).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/tools/build.sh"
bash "$ROOT/tools/pretest.d/20-chromium.sh"
VENV="${VENV:-$ROOT/.venv}"
exec "$VENV/bin/python" "$ROOT/tools/build_pdf.py" "$@"
