#!/usr/bin/env bash
# Pré-étape des tests : tests/test_pdf.py lit le PDF du livre avec pdftotext et pdfinfo
# (paquet Debian « poppler-utils ») : numéros de page, signets, texte sans TeX brut. On
# l'installe avec apt-get s'il manque (il faut être root, ou sudo sans mot de passe).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/tools/apt_install.sh"
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdfinfo >/dev/null 2>&1; then
    apt_install poppler-utils "la lecture du PDF du livre (tests/test_pdf.py)" poppler-utils
fi
echo "poppler-utils présent : $(pdftotext -v 2>&1 | head -1)"
