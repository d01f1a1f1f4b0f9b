"""Fixtures des tests dans le navigateur : Chromium (paquet Debian) piloté par Playwright.

Le site (``_build/html``, construit une seule fois par la fixture ``built_html`` de
``tests/conftest.py``) est servi sur 127.0.0.1 ; chaque page HTML trouvée dans le
site est ouverte une fois (fixture ``crawl``), et ce que l'on y observe (requêtes,
console, équations, widgets, images, titres…) est gardé pour les tests de
``test_browser_pages.py``. Toute requête vers une autre origine est notée puis
interrompue : le test passe donc aussi sans réseau, et voit ce qui fuirait.

Ce n'est pas un ``conftest.py`` : les tests de ``tests/`` font ``from conftest import …``
et un second ``conftest.py`` (hors paquet) prendrait sa place dans ``sys.modules``.
Seul ``test_browser_pages.py`` importe ces fixtures (une fixture de session importée
dans deux modules y serait exécutée deux fois).

Une capture pleine page de chaque page du livre est enregistrée dans
``_build/screenshots/`` (artefact des tests, ignoré par git).

Chromium : ``/usr/bin/chromium`` (variable ``CHROMIUM`` pour un autre chemin),
installé par ``tools/pretest.d/20-chromium.sh`` ; le navigateur que télécharge
Playwright ne s'installe pas ici.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
PAGE_TIMEOUT_MS = 60_000  # machine chargée : large, ce n'est pas une mesure de vitesse

# Ce que la page montre une fois chargée, MathJax et widgets compris (voir PAGE_PROBE).
PAGE_PROBE = (Path(__file__).parent / "page_probe.js").read_text(encoding="utf-8")
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
# tools/widgets-loader.js monte chaque widget à l'approche du lecteur ; mountAll() les monte tous
# (comme pour l'impression) et chaque vue reçoit data-widget = rendered, kernel-only ou error.
MOUNT_ALL_WIDGETS = """async () => { if (window.lstmWidgets) await window.lstmWidgets.mountAll(); }"""
WIDGETS_DONE = f"""() => [...document.querySelectorAll('{WIDGET_VIEW}')].every(
    s => s.parentElement.querySelector('.lstm-widget[data-widget]'))"""


def site_pages(html_dir: Path) -> list[str]:
    """Toutes les pages HTML du site (chemins relatifs), hors dossiers techniques ``_*``."""
    pages = []
    for path in sorted(html_dir.rglob("*.html")):
        relative = path.relative_to(html_dir)
        if any(part.startswith("_") for part in relative.parts[:-1]):
            continue
        pages.append(relative.as_posix())
    return pages


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Sert le site sans cache (chaque ressource répond 200, jamais 304) et sans journal."""

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 (signature imposée)
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Le navigateur ferme parfois une connexion avant la fin d'une réponse (page
        # quittée) : ce n'est pas une erreur du site. Les autres restent affichées.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class SiteServer:
    """Sert un dossier sur 127.0.0.1 (port libre), dans un fil d'exécution à part."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.httpd = _Server(("127.0.0.1", 0), handler)
        host, port = self.httpd.server_address[:2]
        self.origin = f"http://{host}:{port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, page: str) -> str:
        return f"{self.origin}/{page}"


@pytest.fixture(scope="session")
def site_server(built_html):
    with SiteServer(built_html) as server:
        yield server


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    """Chromium sans tête, profil neuf (user-data-dir vide), langue française."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium est introuvable ({CHROMIUM}) : lancez tools/pretest.d/20-chromium.sh "
            "(apt-get install chromium) ou indiquez son chemin dans la variable CHROMIUM."
        )
    profile = tmp_path_factory.mktemp("chromium-profile")
    # Le pilote de la session (voir playwright_driver).
    context = playwright_driver().chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        locale="fr-FR",
        viewport=VIEWPORT,
        service_workers="block",
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


def is_same_origin(url: str, origin: str) -> bool:
    scheme = urlsplit(url).scheme
    if scheme in ("data", "blob", "about"):
        return True  # rien ne sort de la page
    return url == origin or url.startswith(origin + "/")


@dataclass
class PageVisit:
    """Ce qu'une page a demandé et montré dans le navigateur."""

    page: str
    responses: list[tuple[str, int]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    probe: dict = field(default_factory=dict)
    screenshot: Path | None = None
    extra: object = None
    final_url: str = ""


REFRESH = re.compile(r"""<meta[^>]+http-equiv=["']refresh["'][^>]+url=([^"'>;]+)""", re.IGNORECASE)


def _refresh_target(html_file: Path) -> str | None:
    """La page vers laquelle renvoie un fichier HTML de redirection, sinon None."""
    if not html_file.is_file():
        return None
    found = REFRESH.search(html_file.read_text(encoding="utf-8", errors="replace")[:2000])
    return found.group(1).strip().split("#")[0] if found else None


def _settle(page, pending: set, quiet_ms: int = 500, limit_ms: int = 30_000) -> None:
    """Attend que plus aucune requête ne soit en cours depuis ``quiet_ms``.

    Comme l'état « networkidle » de Playwright, mais sans échouer au bout du délai :
    sur une machine chargée, on relève la page quand même, et les tests disent ce
    qui manque (une requête jamais terminée apparaît dans ``failed``).
    """
    quiet = waited = 0
    while waited < limit_ms and quiet < quiet_ms:
        page.wait_for_timeout(100)
        waited += 100
        quiet = quiet + 100 if not pending else 0


def _wait_until_rendered(page, PlaywrightTimeout, pending: set) -> None:
    """Attend le MathML des formules (posé par lots, sans le presser), puis les widgets, puis la fin du réseau."""
    page.evaluate(MATHML_READY)
    _settle(page, pending)
    if page.query_selector(WIDGET_VIEW):
        # Le chargeur insère chaque vue à côté de son <script> ; on les monte toutes.
        # Délai dépassé : on relève quand même, le test dira quel widget manque.
        try:
            page.wait_for_function("() => document.readyState === 'complete' && 'lstmWidgets' in window", timeout=20_000)
            page.evaluate(MOUNT_ALL_WIDGETS)
            page.wait_for_function(WIDGETS_DONE, timeout=20_000)
        except PlaywrightTimeout:
            pass
        _settle(page, pending)
    # Les images se chargent à l'approche du lecteur (tools/site_images.py) : on parcourt la page
    # comme lui, jusqu'en bas, puis on attend chacune (chargée ou en erreur : le test le dira).
    page.evaluate(READ_THROUGH)
    _settle(page, pending)


# Parcourt la page jusqu'en bas, attend chaque image, revient en haut.
READ_THROUGH = """async () => {
    for (let y = 0; y < document.body.scrollHeight; y += Math.max(200, innerHeight / 2)) {
        scrollTo(0, y);
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 20)));
    }
    await Promise.race([
        Promise.all([...document.images].map((img) => img.complete ? null
            : new Promise((resolve) => { img.addEventListener("load", resolve); img.addEventListener("error", resolve); }))),
        new Promise((resolve) => setTimeout(resolve, 15000)),
    ]);
    scrollTo(0, 0);
}"""


def open_page(
    context,
    server: SiteServer,
    page_path: str,
    *,
    screenshot: Path | None = None,
    ready: str | None = None,
    extract: str | None = None,
) -> PageVisit:
    """Ouvre une page, attend MathJax et les widgets, et relève tout (voir ``page_probe.js``).

    ``ready`` : sélecteur CSS à attendre en plus ; ``extract`` : fonction JavaScript
    dont le résultat va dans ``visit.extra``.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    visit = PageVisit(page_path)
    page = context.new_page()

    def route(route_request):
        url = route_request.request.url
        if is_same_origin(url, server.origin):
            route_request.continue_()
        else:
            visit.external.append(url)
            route_request.abort()

    pending: set = set()  # requêtes en cours (voir _settle)

    def on_response(response):
        if urlsplit(response.url).scheme in ("http", "https"):
            visit.responses.append((response.url, response.status))

    def on_failed(request):
        if request.url not in visit.external:
            visit.failed.append((request.url, request.failure or "?"))

    def on_console(message):
        if message.type == "error":
            location = message.location or {}
            where = location.get("url", "")
            visit.console_errors.append(f"{message.text} ({where})" if where else message.text)

    page.route("**/*", route)
    page.on("request", lambda request: pending.add(request))
    page.on("requestfinished", lambda request: pending.discard(request))
    page.on("requestfailed", lambda request: pending.discard(request))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.console_errors.append(f"exception : {error}"))
    page.on("websocket", lambda ws: visit.external.append(ws.url))
    try:
        page.goto(server.url(page_path), wait_until="load")
        # index.html renvoie vers la première page (meta refresh) : on relève la page
        # d'arrivée. Une autre navigation peut détruire le contexte pendant qu'on attend ;
        # on reprend alors sur la page d'arrivée.
        target = _refresh_target(server.directory / page_path.split("?")[0])
        if target:
            page.wait_for_url(f"**/{target}", wait_until="load")
        for attempt in range(3):
            try:
                _wait_until_rendered(page, PlaywrightTimeout, pending)
                if ready is not None:
                    page.wait_for_selector(ready)
                visit.probe = page.evaluate(PAGE_PROBE)
                if extract is not None:
                    visit.extra = page.evaluate(extract)
                break
            except PlaywrightError as error:
                if "context was destroyed" not in str(error) or attempt == 2:
                    raise
                page.wait_for_load_state("load")
        visit.final_url = page.url
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
            visit.screenshot = screenshot
    finally:
        page.close()
    return visit


@pytest.fixture(scope="session")
def crawl(built_book, built_html, site_server, browser_context) -> dict[str, PageVisit]:
    """Chaque page du site ouverte une fois ; captures pleine page dans ``_build/screenshots``."""
    shots = built_book.build_dir / "screenshots"
    visits = {}
    for page_path in site_pages(built_html):
        is_book_page = page_path not in ("genindex.html", "search.html", "py-modindex.html")
        target = shots / page_path.replace(".html", ".png") if is_book_page else None
        visits[page_path] = open_page(browser_context, site_server, page_path, screenshot=target)
    return visits


# --- Contextes à la demande : thème clair ou sombre, bureau ou téléphone ------------------

PHONE_VIEWPORT = {"width": 390, "height": 844}
THEME_MODES = ("light", "dark")
# MathJax (chargé en « defer ») a fini, puis tous les widgets sont montés.
# tools/math-a11y.js pose le MathML des formules (lecteurs d'écran) par lots, navigateur au repos :
# on attend qu'il ait fini de lui-même (20 s au plus : le test dira ce qui manque).
MATHML_READY = """async () => {
    for (let i = 0; i < 400 && document.querySelector('script[src*="math-a11y"]') && !window.lstmMath; i++)
        await new Promise(r => setTimeout(r, 50));
    if (window.lstmMath) await Promise.race([window.lstmMath.ready, new Promise(r => setTimeout(r, 20000))]);
}"""

RENDERED_JS = """async () => {
    await (""" + MATHML_READY + """)();
    if (document.querySelector('script[src*="widgets-loader"]')) {
        for (let i = 0; i < 600 && !window.lstmWidgets; i++) await new Promise(r => setTimeout(r, 50));
        if (window.lstmWidgets) await window.lstmWidgets.mountAll();
    }
    return document.documentElement.dataset.theme || null;
}"""


_PLAYWRIGHT = None


def playwright_driver():
    """Le pilote Playwright de la session, démarré une fois : l'API synchrone refuse d'en
    démarrer un second tant que le premier (celui de ``browser_context``) tourne."""
    global _PLAYWRIGHT
    if _PLAYWRIGHT is None:
        import atexit

        from playwright.sync_api import sync_playwright

        _PLAYWRIGHT = sync_playwright().start()
        atexit.register(_PLAYWRIGHT.stop)
    return _PLAYWRIGHT


@contextmanager
def chromium():
    """Un Chromium sans tête (paquet Debian) dont on ouvre des contextes à la demande."""
    if not CHROMIUM.is_file():
        pytest.fail(f"Chromium est introuvable ({CHROMIUM}) : lancez tools/pretest.d/20-chromium.sh.")
    browser = playwright_driver().chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


def new_context(browser, origin: str, *, phone: bool = False, mode: str = "light"):
    """Un contexte neuf : langue française, thème ``mode`` (clair ou sombre, retenu par le thème
    dans localStorage), écran de bureau ou de téléphone (390 × 844, tactile). Toute requête vers
    une autre origine est interrompue et notée dans ``context.external``."""
    options = {"locale": "fr-FR", "service_workers": "block"}
    if phone:
        options.update(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, device_scale_factor=2)
    else:
        options.update(viewport=VIEWPORT)
    context = browser.new_context(**options)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
    context.external = []

    def route(route_request):
        url = route_request.request.url
        if is_same_origin(url, origin):
            route_request.continue_()
        else:
            context.external.append(url)
            route_request.abort()

    context.route("**/*", route)
    return context


def load(context, server: SiteServer, page_path: str):
    """Ouvre une page et attend MathJax et les widgets ; rend (page, thème appliqué)."""
    page = context.new_page()
    page.goto(server.url(page_path), wait_until="load")
    theme = page.evaluate(RENDERED_JS)
    return page, theme
