#!/usr/bin/env bash
# Pré-étape des tests : installe les scripts servis par le site (MathJax 3, require.js,
# gestionnaire de widgets) aux versions de package-lock.json, avec « npm ci » ;
# ne fait rien s'ils sont à jour. (Le build le ferait aussi : tools/site_assets.py.)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
exec "$VENV/bin/python" "$ROOT/tools/site_assets.py"
