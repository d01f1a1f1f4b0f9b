#!/usr/bin/env bash
# Pré-étape des tests : le navigateur des tests tests/browser/ est le Chromium de
# Debian (/usr/bin/chromium) ; celui que télécharge Playwright ne s'installe pas ici.
# On l'installe avec apt-get s'il manque (il faut être root, ou sudo sans mot de passe).
set -euo pipefail
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    echo "Chromium présent : $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "Chromium manque ($CHROMIUM) et apt-get est absent : installez Chromium, ou" \
         "indiquez son chemin dans la variable CHROMIUM." >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
        echo "Chromium manque ($CHROMIUM) : « sudo apt-get install chromium », puis relancez." >&2
        exit 1
    fi
fi
echo "Installation de Chromium (paquet Debian « chromium ») pour les tests dans le navigateur…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
"$CHROMIUM" --version
