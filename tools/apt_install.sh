# Fonction partagée des pré-étapes des tests (tools/pretest.d/*.sh), à sourcer :
#   apt_install "Nom" "à quoi il sert" paquet [paquet…]
# installe les paquets Debian avec apt-get (root, ou sudo sans mot de passe), ou
# s'arrête avec un message en français qui dit quoi faire.
apt_install() {
    local name="$1" purpose="$2"
    shift 2
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "$name manque et apt-get est absent : installez le paquet « $1 » ($purpose)." >&2
        return 1
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
            echo "$name manque : « sudo apt-get install $* », puis relancez." >&2
            return 1
        fi
    fi
    echo "Installation de $name (paquet Debian « $1 ») pour $purpose…"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
