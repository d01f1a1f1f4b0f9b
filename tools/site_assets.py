"""Les scripts du site servis par le site lui-même : MathJax 3 et le chargeur des widgets.

Par défaut, Jupyter Book 1 fait charger à chaque page MathJax, require.js et le
gestionnaire de widgets Jupyter depuis des CDN publics : hors ligne, les équations
restent du texte brut et les widgets ne s'affichent pas, et chaque lecture envoie
l'adresse du lecteur à des tiers. Ici, MathJax est installé depuis le registre npm à la
version figée par ``package.json`` / ``package-lock.json`` ; les formules sont rendues au
build, en SVG (``tools/site_math.py``), et aucun script de MathJax n'est servi ; les icônes
sont celles de Font Awesome que le thème contient déjà (``tools/site_icons.py``) ; les widgets (des anywidgets, voir ``lstm_lib/widgets.py``)
sont montés par ``tools/widgets-loader.js``, copié dans ``_static/lstm/`` : ni require.js
ni le gestionnaire de widgets Jupyter (3,5 Mo) ne sont plus servis. ``package.json``
épingle aussi axe-core, que seuls les tests utilisent (``devDependencies``, jamais copié).

Deux usages :

- **extension Sphinx** (``_config.yml`` → ``sphinx.local_extensions``) : au début du
  build, installe ``node_modules`` avec ``npm ci`` s'il manque ou ne correspond plus
  au fichier de verrouillage, vérifie que ``mathjax_path`` et ``nb_ipywidgets_js``
  pointent vers les copies locales, puis, à la fin, copie les fichiers dans le site ;
- **ligne de commande** : ``python tools/site_assets.py`` installe seulement
  ``node_modules`` (pré-étape des tests, ``tools/pretest.d/``).

Pourquoi du code à nous : ni Jupyter Book ni myst-nb ne savent installer ces
fichiers localement (ils ne connaissent que des URL) ; Sphinx copie bien
``html_static_path``, mais ``node_modules`` pèse des dizaines de Mo et l'on n'en sert
que ce qu'une page demande (``FILES``).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
LOCK = ROOT / "package-lock.json"
STAMP = NODE_MODULES / ".lstm-lock.sha256"

# Sous-dossier de _static/ (pas « vendor » : pydata-sphinx-theme y range Font Awesome).
VENDOR = "npm"
# Chemins relatifs à _static/ : ceux que _config.yml doit citer.
MATHJAX_PATH = f"{VENDOR}/mathjax/tex-mml-chtml.js"
WIDGETS_LOADER_PATH = "lstm/widgets-loader.js"  # copie de tools/widgets-loader.js
WIDGET_SCRIPTS = [WIDGETS_LOADER_PATH]

# Le chargeur des widgets sur le site (anywidget sans noyau) : voir ce fichier.
WIDGETS_LOADER = Path(__file__).resolve().parent / "widgets-loader.js"

# (paquet npm, fichier ou dossier du paquet, destination sous _static/npm/).
# MathJax : rien d'autre que sa licence ; les formules sont rendues au build, en SVG, par
# tools/site_math.py, qui lit MathJax dans node_modules : aucune page ne charge son script.
# (Font Awesome n'est plus copié d'ici : styles/pydata-sphinx-theme.css le contient déjà, CSS et
# polices, que tools/site_icons.py réduit aux icônes du site.)
FILES: tuple[tuple[str, str, str], ...] = (
    ("mathjax", "LICENSE", "mathjax/LICENSE"),
)
# Inutiles au navigateur : les cartes de sources.
SKIP_SUFFIXES = (".map",)
SKIP_NAMES: set[str] = set()


class AssetsError(RuntimeError):
    """Les scripts du site ne peuvent pas être installés ou copiés."""


def lock_digest() -> str:
    return hashlib.sha256(LOCK.read_bytes()).hexdigest()


def installed_version(package: str) -> str | None:
    manifest = NODE_MODULES / package / "package.json"
    if not manifest.is_file():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("version")


def pinned_versions() -> dict[str, str]:
    """Les versions exactes demandées par package.json (``{"mathjax": "3.2.2", "axe-core": …}``)."""
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    return {**manifest.get("dependencies", {}), **manifest.get("devDependencies", {})}


def is_installed() -> bool:
    if not STAMP.is_file() or STAMP.read_text().strip() != lock_digest():
        return False
    return all(installed_version(p) == v for p, v in pinned_versions().items())


def ensure_installed(echo=print) -> bool:
    """Lance ``npm ci`` si ``node_modules`` manque ou ne suit plus le verrou ; rend True s'il a tourné."""
    if is_installed():
        return False
    npm = shutil.which("npm")
    if npm is None:
        raise AssetsError(
            "npm est introuvable : il faut Node.js (≥ 18) et npm pour installer les scripts "
            "servis par le site (MathJax) et axe-core (tests), versions figées dans "
            "package-lock.json. Sous Debian/Ubuntu : « apt-get install nodejs npm »."
        )
    echo("Installation des scripts du site et des tests (npm ci : MathJax, axe-core)…")
    # --ignore-scripts : aucun paquet n'a besoin d'un script d'installation pour
    # fournir les fichiers que l'on copie.
    proc = subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise AssetsError(
            f"« npm ci » a échoué (code {proc.returncode}) :\n{proc.stdout}{proc.stderr}"
        )
    STAMP.write_text(lock_digest() + "\n")
    missing = {p: v for p, v in pinned_versions().items() if installed_version(p) != v}
    if missing:
        raise AssetsError(f"après « npm ci », versions attendues absentes : {missing}")
    return True


def _ignore(directory: str, names: list[str]) -> set[str]:
    return {n for n in names if n.endswith(SKIP_SUFFIXES) or n in SKIP_NAMES}


def _copy_loader(static_dir: Path) -> None:
    destination = Path(static_dir) / WIDGETS_LOADER_PATH
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(WIDGETS_LOADER, destination)


def copy_into(static_dir: Path) -> Path:
    """Copie les scripts dans ``static_dir/npm`` (recopiés seulement si le verrou ou la liste a changé)
    et le chargeur des widgets dans ``static_dir/lstm``."""
    _copy_loader(static_dir)
    target = Path(static_dir) / VENDOR
    stamp = target / ".lock.sha256"
    digest = hashlib.sha256(f"{lock_digest()} {FILES} {sorted(SKIP_NAMES)}".encode()).hexdigest()
    if stamp.is_file() and stamp.read_text().strip() == digest:
        return target
    if target.exists():
        shutil.rmtree(target)
    for package, source, destination in FILES:
        src = NODE_MODULES / package / source
        dst = target / destination
        if not src.exists():
            raise AssetsError(f"fichier attendu absent de node_modules : {src.relative_to(ROOT)}")
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=_ignore)
        else:
            shutil.copy2(src, dst)
    stamp.write_text(digest + "\n")
    return target


# --- extension Sphinx -------------------------------------------------------------

def _check_config(app, config) -> None:
    """Refuse un build dont la configuration ferait encore appel à un CDN."""
    from sphinx.errors import ConfigError

    if config.mathjax_path != MATHJAX_PATH:
        raise ConfigError(
            f"mathjax_path doit valoir « {MATHJAX_PATH} » (copie locale de MathJax), "
            f"trouvé « {config.mathjax_path} » : voir _config.yml"
        )
    scripts = getattr(config, "nb_ipywidgets_js", None) or {}
    if list(scripts) != WIDGET_SCRIPTS:
        raise ConfigError(
            f"nb_ipywidgets_js doit charger {WIDGET_SCRIPTS} (le chargeur local des "
            f"widgets), trouvé {list(scripts)} : voir _config.yml"
        )
    for path, attributes in scripts.items():
        for name, value in attributes.items():
            if "://" in value:
                raise ConfigError(f"nb_ipywidgets_js : {path} a un attribut {name}={value!r} hors du site")


def _install(app) -> None:
    from sphinx.errors import ExtensionError
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    try:
        ensure_installed(echo=logger.info)
    except AssetsError as error:
        raise ExtensionError(str(error)) from error


def _copy(app, exception) -> None:
    if exception is not None or app.builder is None or app.builder.format != "html":
        return
    from sphinx.errors import ExtensionError

    try:
        copy_into(Path(app.outdir) / "_static")
    except AssetsError as error:
        raise ExtensionError(str(error)) from error


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    """Retire les scripts inscrits deux fois dans une page.

    sphinx-thebe 0.3.1 inscrit son script en ligne « const THEBE_JS_URL = … » à
    l'événement env-before-read-docs, à la fois dans le registre (nom "") et dans
    le constructeur HTML (nom None) : Sphinx ne voit pas le doublon, le script
    figure deux fois dans chaque page, et la seconde copie lève « Identifier
    'THEBE_JS_URL' has already been declared » dans la console. (Même chose pour
    « togglebuttonSelector » de sphinx-togglebutton, sans erreur.)
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # Même fichier (ou même corps) et mêmes attributs, quelle que soit la priorité ;
        # un script en ligne a pour nom None ou "" selon le chemin qui l'a inscrit.
        attributes = getattr(script, "attributes", None) or {}
        key = (str(getattr(script, "filename", script) or ""), tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


# Scripts de Sphinx et des extensions que la page lit avant de s'afficher (<script> sans
# « defer » dans <head>) : Lighthouse (profil mobile) comptait chacun dans le délai du premier
# affichage du texte. Tous sont différés (« defer » garde leur ordre, et ils s'exécutent avant
# DOMContentLoaded, où ils se branchent tous), sauf documentation_options.js, que des scripts
# en ligne de la page complètent aussitôt (DOCUMENTATION_OPTIONS.pagename = …). La page de
# recherche de Sphinx garde les siens tels quels : un script en ligne y appelle _ready()
# (doctools.js) dès la lecture.
KEEP_BLOCKING = ("_static/documentation_options.js",)
KEEP_BLOCKING_PAGES = ("search",)


def _defer_scripts(app, pagename, templatename, context, doctree) -> None:
    """Ajoute « defer » aux scripts locaux qui n'ont ni « async » ni « defer » (voir KEEP_BLOCKING)."""
    from sphinx.builders.html._assets import _JavaScript

    scripts = context.get("script_files")
    if not scripts or pagename in KEEP_BLOCKING_PAGES:
        return
    deferred = []
    for script in scripts:
        name = str(getattr(script, "filename", "") or "")
        attributes = dict(getattr(script, "attributes", None) or {})
        if (isinstance(script, _JavaScript) and name and "://" not in name and name not in KEEP_BLOCKING
                and not {"async", "defer"} & set(attributes) and attributes.get("type", "text/javascript") == "text/javascript"):
            script = _JavaScript(script.filename, priority=script.priority, **attributes, defer="defer")
        deferred.append(script)
    context["script_files"] = deferred


# L'état des widgets d'une page (myst-nb l'écrit dans <head>, script
# « application/vnd.jupyter.widget-state+json ») : au chapitre 1, 369 Ko, que le téléphone
# devait recevoir et lire avant la première ligne du texte. Il part dans un fichier à côté de
# la page (« 01_pourquoi_lstm.widget-state.js ») que tools/widgets-loader.js ne charge qu'à
# l'approche du premier widget ou, la page chargée, quand le navigateur est au repos ; la page
# garde un script vide qui nomme ce fichier (data-src, avec l'empreinte de son contenu : un
# navigateur ne garde pas l'état d'un build précédent). Un script plutôt qu'un fichier JSON lu
# par fetch() : le site s'ouvre aussi depuis le disque (file://), où fetch() est refusé.
WIDGET_STATE_TYPE = "application/vnd.jupyter.widget-state+json"
WIDGET_STATE_SUFFIX = ".widget-state.js"
WIDGET_STATE_PUSH = "(window.lstmWidgetStates = window.lstmWidgetStates || []).push(%s);\n"
_WIDGET_STATE_FILE = re.compile(  # la forme de WIDGET_STATE_PUSH, l'état en groupe 1
    "^" + re.escape(WIDGET_STATE_PUSH.strip()).replace(re.escape("%s"), "(.*)") + r"\s*$", re.S)
_STATE_SCRIPT = re.compile(
    r'<script(?=[^>]*\stype="application/vnd\.jupyter\.widget-state\+json")([^>]*)>(.*?)</script>', re.S)
_DATA_SRC = re.compile(r'\sdata-src="([^"]*)"')


def _external_widget_state(app, pagename, templatename, context, doctree) -> None:
    """Écrit l'état des widgets de la page dans ``<page>.widget-state.js`` (voir WIDGET_STATE_TYPE)."""
    from sphinx.builders.html._assets import _JavaScript

    scripts = context.get("script_files")
    if not scripts:
        return
    moved = []
    for script in scripts:
        attributes = dict(getattr(script, "attributes", None) or {})
        if (isinstance(script, _JavaScript) and not script.filename
                and attributes.get("type") == WIDGET_STATE_TYPE and attributes.get("body")):
            body = attributes.pop("body")
            target = Path(app.outdir) / (pagename + WIDGET_STATE_SUFFIX)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = WIDGET_STATE_PUSH % body
            target.write_text(text, encoding="utf-8")
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
            script = _JavaScript(None, priority=script.priority, **attributes,
                                 **{"data-src": f"{Path(pagename).name}{WIDGET_STATE_SUFFIX}?v={digest}"})
        moved.append(script)
    context["script_files"] = moved


def read_widget_state(html_file: Path) -> dict:
    """L'état des widgets d'une page construite, qu'il soit dans la page ou dans son fichier.

    Rend ``{"version_major": …, "state": {id: modèle}}`` (tous les scripts d'état réunis) ; ``{}``
    si la page n'a pas de widgets. Utilisé par les tests ; lève ``AssetsError`` si un fichier
    nommé par la page manque ou n'a pas la forme qu'écrit ``_external_widget_state``.
    """
    html_file = Path(html_file)
    merged: dict = {}
    for attributes, body in _STATE_SCRIPT.findall(html_file.read_text(encoding="utf-8")):
        source = _DATA_SRC.search(attributes)
        if source:
            path = html_file.parent / html.unescape(source.group(1)).split("?", 1)[0]
            if not path.is_file():
                raise AssetsError(f"{html_file.name} nomme l'état de ses widgets {source.group(1)}, absent du site")
            found = _WIDGET_STATE_FILE.match(path.read_text(encoding="utf-8"))
            if not found:
                raise AssetsError(f"{path.name} n'a pas la forme attendue ({WIDGET_STATE_PUSH.strip()})")
            body = found.group(1)
        if not body.strip():
            continue
        block = json.loads(body)
        merged = {**merged, **block, "state": {**merged.get("state", {}), **block.get("state", {})}}
    return merged


def setup(app):
    # Après myst-nb et sphinx.ext.mathjax (priorité par défaut 500) : on vérifie
    # la configuration qu'ils liront.
    app.connect("config-inited", _check_config, priority=900)
    app.connect("builder-inited", _install)
    app.connect("build-finished", _copy)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _defer_scripts, priority=910)
    app.connect("html-page-context", _external_widget_state, priority=920)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}


if __name__ == "__main__":
    try:
        ran = ensure_installed()
    except AssetsError as error:
        sys.exit(f"Erreur : {error}")
    if not ran:
        print("Scripts du site à jour (node_modules suit package-lock.json).")
