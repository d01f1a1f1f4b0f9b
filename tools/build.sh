#!/usr/bin/env bash
# Prépare .venv puis construit tout le site dans _build/html, en exécutant chaque
# cahier (les sorties sont mises en cache : un second build ne ré-exécute que ce
# qui a changé). Idempotent. Arguments transmis à tools/book.py (ex. --all).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/tools/setup_env.sh"
VENV="${VENV:-$ROOT/.venv}"
export PATH="$VENV/bin:$PATH"
exec "$VENV/bin/python" "$ROOT/tools/book.py" "$@"
