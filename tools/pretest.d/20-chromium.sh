#!/usr/bin/env bash
# Pré-étape des tests : le navigateur des tests tests/browser/ est le Chromium de
# Debian (/usr/bin/chromium) ; celui que télécharge Playwright ne s'installe pas ici.
# On l'installe avec apt-get s'il manque (il faut être root, ou sudo sans mot de passe),
# ou l'on indique son chemin dans la variable CHROMIUM.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/tools/apt_install.sh"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    echo "Chromium présent : $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
    exit 0
fi
apt_install Chromium "les tests dans le navigateur" chromium fonts-dejavu-core
"$CHROMIUM" --version
