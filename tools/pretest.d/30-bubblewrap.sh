#!/usr/bin/env bash
# Pré-étape des tests : le correcteur de l'enseignant (grader/) exécute chaque copie dans
# un bac à sable bubblewrap (paquet Debian « bubblewrap ») et refuse de corriger sans lui ;
# les tests tests/test_grader_*.py le lancent pour de vrai. On l'installe avec apt-get s'il
# manque (il faut être root, ou sudo sans mot de passe), puis on vérifie qu'il peut créer un
# bac à sable ici (espaces de noms utilisateur).
set -euo pipefail
if ! command -v bwrap >/dev/null 2>&1; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "bubblewrap (bwrap) manque et apt-get est absent : installez le paquet bubblewrap." >&2
        exit 1
    fi
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
            echo "bubblewrap manque : « sudo apt-get install bubblewrap », puis relancez." >&2
            exit 1
        fi
    fi
    echo "Installation de bubblewrap (paquet Debian « bubblewrap ») pour le correcteur…"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends bubblewrap >/dev/null
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
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
