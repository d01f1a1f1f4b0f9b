"""Le site se suffit à lui-même : lu sur le HTML, le CSS et le JavaScript construits.

Complète ``test_browser_pages.py`` (qui observe les requêtes réelles dans Chromium) :
ici, on lit chaque fichier du site, y compris ce qu'une page ne charge qu'après un
clic. Les scripts de MathJax 3, require.js et du gestionnaire de widgets viennent de
``node_modules`` (``package.json`` / ``package-lock.json``, copiés par
``tools/site_assets.py``) et sont servis depuis ``_static/npm/``.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Attributs par lesquels une page *charge* une ressource (les liens <a href> sont des
# navigations choisies par le lecteur, pas des chargements).
LOADING_ATTRIBUTES = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}
LOADING_LINK_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "shortcut",
                     "apple-touch-icon", "manifest", "dns-prefetch", "preconnect", "prerender"}
# Attributs de configuration qui désignent d'où charger (widgets, Thebe…).
LOADING_DATA_ATTRIBUTES = ("data-jupyter-widgets-cdn", "data-src", "data-main")

ABSOLUTE_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'`)<>\\]*""")
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""")
# Hôtes de CDN et de pisteurs : ce qu'un script ne doit pas aller chercher.
THIRD_PARTY_HOSTS = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*(?:jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com|cdnjs\.com|"
    r"googleapis\.com|gstatic\.com|googletagmanager\.com|google-analytics\.com|"
    r"mathjax\.org|code\.jquery\.com|polyfill\.io|bootstrapcdn\.com|fontawesome\.com/kit|"
    r"githack\.com|gitcdn\.xyz|statically\.io|plausible\.io|hypothes\.is|utteranc\.es)[^\s\"'`)]*"
)

# Les seules mentions de tiers tolérées dans le JavaScript du site, chacune avec sa raison.
# (chemin sous _static/, hôte) → raison
ALLOWED_IN_SCRIPTS = {
    ("npm/mathjax/", "cdn.jsdelivr.net"): "MathJax : liste des CDN connus (pour retrouver "
    "son propre dossier) et chemins de secours de SRE réservés à Internet Explorer ; le "
    "dossier [mathjax] est ici _static/npm/mathjax (vérifié dans le navigateur)",
    ("npm/mathjax/", "unpkg.com"): "idem (liste des CDN connus de MathJax)",
    ("npm/mathjax/", "cdnjs.cloudflare.com"): "idem",
    ("npm/mathjax/", "api.cdnjs.com"): "idem",
    ("npm/mathjax/", "rawcdn.githack.com"): "idem",
    ("npm/mathjax/", "gitcdn.xyz"): "idem",
    ("npm/mathjax/", "cdn.statically.io"): "idem",
    ("npm/mathjax/", "www.mathjax.org"): "liens de la boîte « À propos » du menu MathJax",
    ("npm/html-manager/", "cdn.jsdelivr.net"): "CDN par défaut des modules de widgets "
    "inconnus, remplacé par data-jupyter-widgets-cdn (test_widget_scripts_are_local)",
    ("npm/html-manager/", "fonts.googleapis.com"): "@import d'ipywidgets commenté dans "
    "une feuille de style embarquée (test_html_manager_google_font_import_is_commented)",
}
# Thebe (« Code en direct ») : sphinx-thebe écrit l'adresse de thebe sur unpkg dans chaque
# page, mais ne la charge qu'au clic du lecteur, qui lance alors un noyau sur mybinder.org.
# Le registre npm ne fournit pas thebe 0.8.2 (celui qu'attend sphinx-thebe 0.3.1).
ALLOWED_INLINE = (
    re.compile(r'const THEBE_JS_URL = "https://unpkg\.com/thebe@[0-9.]+/lib/index\.js"'),
)


def _html_pages(html_dir: Path) -> list[Path]:
    return sorted(
        p for p in html_dir.rglob("*.html")
        if not any(part.startswith("_") for part in p.relative_to(html_dir).parts[:-1])
    )


def _is_external(url: str) -> bool:
    url = url.strip()
    return url.startswith("//") or urlsplit(url).scheme not in ("", "data", "blob", "about", "javascript", "mailto")


class _Loads(HTMLParser):
    """Relève ce qu'une page charge : attributs, styles en ligne, scripts en ligne."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[str, str]] = []  # (où, URL)
        self.inline_scripts: list[tuple[str, str]] = []  # (type, texte)
        self.inline_styles: list[str] = []
        self.widget_scripts: list[dict[str, str]] = []
        self._script_type: str | None = None
        self._in_style = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        for name in LOADING_ATTRIBUTES.get(tag, ()):
            if attributes.get(name):
                for candidate in attributes[name].split(","):
                    self.loads.append((f"<{tag} {name}>", candidate.strip().split(" ")[0]))
        if tag == "link":
            rels = set(attributes.get("rel", "").lower().split())
            if rels & LOADING_LINK_RELS and attributes.get("href"):
                self.loads.append((f"<link rel={attributes['rel']}>", attributes["href"]))
        for name in LOADING_DATA_ATTRIBUTES:
            if attributes.get(name):
                self.loads.append((f"<{tag} {name}>", attributes[name]))
        if attributes.get("style"):
            self.inline_styles.append(attributes["style"])
        if tag == "script":
            if attributes.get("src"):
                self.widget_scripts.append(attributes)
            else:
                self._script_type = attributes.get("type", "text/javascript")
                self._buffer = []
        if tag == "style":
            self._in_style = True
            self._buffer = []

    def handle_data(self, data):
        if self._script_type is not None or self._in_style:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script_type is not None:
            self.inline_scripts.append((self._script_type, "".join(self._buffer)))
            self._script_type = None
        if tag == "style" and self._in_style:
            self.inline_styles.append("".join(self._buffer))
            self._in_style = False


def _parse(page: Path) -> _Loads:
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def parsed_pages(built_html):
    return {p.relative_to(built_html).as_posix(): _parse(p) for p in _html_pages(built_html)}


def test_pages_load_nothing_from_another_origin(parsed_pages):
    problems = []
    for page, parsed in parsed_pages.items():
        problems += [f"{page} : {where} {url}" for where, url in parsed.loads if _is_external(url)]
        for style in parsed.inline_styles:
            problems += [f"{page} : style {url}" for url in CSS_URL.findall(style) if _is_external(url)]
        for kind, text in parsed.inline_scripts:
            for allowed in ALLOWED_INLINE:
                text = allowed.sub("", text)
            if kind == "text/x-thebe-config":
                continue  # configuration de Thebe, lue seulement au clic (voir ALLOWED_INLINE)
            problems += [f"{page} : script en ligne ({kind}) {url}" for url in THIRD_PARTY_HOSTS.findall(text)]
            if "widget-state" in kind:
                # Un widget qui afficherait une image ou une page d'ailleurs.
                problems += [f"{page} : état de widget {url}" for url in ABSOLUTE_URL.findall(text)
                             if "://" in url or url.startswith("//")]
    assert parsed_pages
    assert not problems, "chargements hors du site :\n  " + "\n  ".join(problems)


def test_stylesheets_load_nothing_from_another_origin(built_html):
    problems = []
    sheets = sorted(built_html.rglob("*.css"))
    for sheet in sheets:
        text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8", errors="replace"), flags=re.S)
        problems += [f"{sheet.relative_to(built_html)} : {url}" for url in CSS_URL.findall(text) if _is_external(url)]
    assert sheets
    assert not problems, "\n".join(problems)


def test_scripts_name_no_third_party_host(built_html):
    static = built_html / "_static"
    problems = []
    scripts = sorted(static.rglob("*.js")) + sorted(built_html.glob("*.js"))
    for script in scripts:
        relative = script.relative_to(static).as_posix() if script.is_relative_to(static) else script.name
        text = script.read_text(encoding="utf-8", errors="replace")
        for url in sorted(set(THIRD_PARTY_HOSTS.findall(text))):
            host = urlsplit(url).hostname
            if not any(relative.startswith(prefix) and host == allowed for prefix, allowed in ALLOWED_IN_SCRIPTS):
                problems.append(f"{relative} : {url}")
    assert len(scripts) > 10
    assert not problems, "adresses de tiers dans les scripts du site :\n  " + "\n  ".join(problems)


def test_html_manager_google_font_import_is_commented(built_html):
    embed = (built_html / "_static/npm/html-manager/embed-amd.js").read_text(encoding="utf-8")
    mentions = [m.start() for m in re.finditer(r"fonts\.googleapis\.com", embed)]
    assert mentions
    for start in mentions:
        assert embed[:start].endswith("/* @import url('https://"), embed[start - 80:start + 40]


def _pinned() -> dict[str, str]:
    return json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]


def test_front_end_versions_are_pinned_and_locked():
    pinned = _pinned()
    assert set(pinned) == {"mathjax", "requirejs", "@jupyter-widgets/html-manager"}
    for name, version in pinned.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} : version non figée {version!r}"
    assert pinned["mathjax"].startswith("3."), "MathJax 3 (la configuration de Sphinx est celle de la v3)"
    # ipywidgets 8 embarque ses widgets avec @jupyter-widgets/html-manager 1.0.x.
    assert pinned["@jupyter-widgets/html-manager"].startswith("1.0.")
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    for name, version in pinned.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name
        assert lock["packages"][f"node_modules/{name}"]["integrity"].startswith("sha512-"), name


def test_front_end_files_are_served_by_the_site(built_html):
    vendor = built_html / "_static/npm"
    pinned = _pinned()
    mathjax = (vendor / "mathjax/tex-mml-chtml.js").read_text(encoding="utf-8")
    assert f'VERSION="{pinned["mathjax"]}"' in mathjax.replace(" ", "")
    assert any((vendor / "mathjax/output/chtml/fonts/woff-v2").glob("*.woff"))
    require = (vendor / "requirejs/require.js").read_text(encoding="utf-8")
    assert f"version = '{pinned['requirejs']}'" in require
    assert (vendor / "html-manager/embed-amd.js").stat().st_size > 1_000_000
    assert not list(vendor.rglob("*.map")), "cartes de sources copiées pour rien"


def test_math_pages_load_the_local_mathjax(parsed_pages, built_html):
    pages_with_math = 0
    for page, parsed in parsed_pages.items():
        text = (built_html / page).read_text(encoding="utf-8")
        sources = [url for where, url in parsed.loads if "mathjax" in url.lower()]
        if 'class="math' in text:
            pages_with_math += 1
            assert sources, f"{page} a des équations mais ne charge pas MathJax"
        for url in sources:
            assert urlsplit(url).path.endswith("_static/npm/mathjax/tex-mml-chtml.js"), (page, url)
    assert pages_with_math > 0


def test_widget_scripts_are_local(parsed_pages, built_html):
    """Les pages à widgets chargent require.js puis le gestionnaire depuis le site."""
    pages_with_widgets = 0
    for page, parsed in parsed_pages.items():
        text = (built_html / page).read_text(encoding="utf-8")
        if "application/vnd.jupyter.widget-view+json" not in text:
            continue
        pages_with_widgets += 1
        sources = [s["src"] for s in parsed.widget_scripts]
        require = [i for i, src in enumerate(sources) if "npm/requirejs/require.js" in src]
        embed = [i for i, src in enumerate(sources) if "npm/html-manager/embed-amd.js" in src]
        paths = [i for i, src in enumerate(sources) if "npm/widgets-setup.js" in src]
        assert require and paths and embed and require[0] < paths[0] < embed[0], (page, sources)
        manager = next(s for s in parsed.widget_scripts if "embed-amd.js" in s["src"])
        assert not _is_external(manager.get("data-jupyter-widgets-cdn", "https://")), manager
    assert pages_with_widgets > 0


def test_widgets_only_use_modules_bundled_in_the_manager(parsed_pages):
    """Un widget d'une autre bibliothèque irait chercher son code sur un CDN : il n'y en a pas."""
    bundled = {"@jupyter-widgets/base", "@jupyter-widgets/controls", "@jupyter-widgets/output"}
    seen = set()
    for page, parsed in parsed_pages.items():
        for kind, text in parsed.inline_scripts:
            if kind != "application/vnd.jupyter.widget-state+json":
                continue
            state = json.loads(text)["state"]
            for model_id, model in state.items():
                for key in ("model_module", "view_module"):
                    module = model.get(key)
                    if module:
                        seen.add(module)
                        assert module in bundled, f"{page} : widget {model_id} utilise {module}"
    assert seen, "aucun état de widget dans le site"
