#!/usr/bin/env bash
# Pré-étape des tests : le correcteur de l'enseignant (grader/) exécute chaque copie dans
# un bac à sable bubblewrap (paquet Debian « bubblewrap ») et refuse de corriger sans lui ;
# les tests tests/test_grader_*.py le lancent pour de vrai. On l'installe avec apt-get s'il
# manque (il faut être root, ou sudo sans mot de passe), puis on vérifie qu'il peut créer un
# bac à sable ici (espaces de noms utilisateur).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
source "$ROOT/tools/apt_install.sh"
if ! command -v bwrap >/dev/null 2>&1; then
    apt_install bubblewrap "le bac à sable du correcteur" bubblewrap
fi
# La même sonde que le correcteur (lstm_grader.sandbox.find_sandbox) : un bac à sable complet.
"$VENV/bin/python" - <<'PY'
import sys

from lstm_grader.sandbox import SandboxUnavailable, find_sandbox

try:
    sandbox = find_sandbox("bwrap")
except SandboxUnavailable as exc:
    sys.exit(f"Le correcteur ne pourra pas corriger : {exc}")
print("bubblewrap présent :", ".".join(map(str, sandbox.version)))
PY
