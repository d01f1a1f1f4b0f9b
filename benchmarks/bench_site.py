"""Poids et temps de chargement de chaque page du site (ce n'est pas un test).

Usage : ``.venv/bin/python benchmarks/bench_site.py [--html _build/html] [--repeat 3]``

Le site déjà construit (``tools/build.sh``) est servi sur 127.0.0.1, sans cache
(chaque chargement est « à froid »), et chaque page est ouverte dans Chromium
(``/usr/bin/chromium``, mêmes options que les tests de ``tests/browser/``). Pour
chaque page, on affiche :

- ``HTML`` : le poids du fichier HTML ;
- ``total`` : ce que le navigateur télécharge pour l'afficher (HTML, CSS, scripts,
  polices, images ; octets transférés, sans compression : http.server n'en fait pas) ;
- ``req`` : le nombre de requêtes ;
- ``load`` : le temps jusqu'à l'événement ``load`` (médiane de ``--repeat`` essais) ;
- ``prêt`` : le temps jusqu'à la fin du rendu des équations par MathJax et des widgets.

Puis le poids total du site par dossier, et la page la plus lourde avec les
ressources qui pèsent le plus. Les temps dépendent de la machine (ici, 2 cœurs
partagés) : à comparer entre eux, pas à un absolu.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from browser_fixtures import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    WIDGET_VIEW,
    SiteServer,
    _refresh_target,
    _settle,
    site_pages,
)

READY_JS = """async () => {
    if (document.querySelector('script[src*="mathjax"]')) {
        for (let i = 0; i < 600 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
            await new Promise(r => setTimeout(r, 50));
        if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
    }
    return performance.now();
}"""
WIDGETS_JS = f"""() => [...document.querySelectorAll('{WIDGET_VIEW}')].every(
    s => s.parentElement.querySelector('.jupyter-widgets, .widget-subarea'))"""


def human(size: float) -> str:
    for unit in ("o", "Ko", "Mo", "Go"):
        if size < 1024 or unit == "Go":
            return f"{size:.0f} {unit}" if unit == "o" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} Go"


SIZES_JS = """() => {
    const sizes = {};
    for (const e of performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')))
        if (e.name.startsWith('http')) sizes[e.name] = (sizes[e.name] || 0) + (e.encodedBodySize || 0);
    return sizes;
}"""


def measure(context, server: SiteServer, page_path: str) -> dict:
    """Un chargement à froid : temps jusqu'à « load », jusqu'au rendu complet, octets reçus."""
    page = context.new_page()
    pending: set = set()
    page.on("request", lambda request: pending.add(request))
    page.on("requestfinished", lambda request: pending.discard(request))
    page.on("requestfailed", lambda request: pending.discard(request))
    start = time.perf_counter()
    page.goto(server.url(page_path), wait_until="load")
    load_ms = (time.perf_counter() - start) * 1000
    page.evaluate(READY_JS)
    if page.query_selector(WIDGET_VIEW):
        page.wait_for_function(WIDGETS_JS, timeout=30_000)
    ready_ms = (time.perf_counter() - start) * 1000
    _settle(page, pending)  # polices chargées après coup : comptées dans le poids
    # Resource Timing : corps reçus (même origine, donc tailles visibles), HTML compris.
    sizes = page.evaluate(SIZES_JS)
    page.close()
    return {"load_ms": load_ms, "ready_ms": ready_ms, "sizes": sizes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="dossier du site construit")
    parser.add_argument("--repeat", type=int, default=3, help="chargements par page (médiane)")
    args = parser.parse_args(argv)
    html = args.html.resolve()
    if not (html / "index.html").is_file():
        print(f"Pas de site dans {html} : construisez-le d'abord (tools/build.sh).", file=sys.stderr)
        return 1
    if not CHROMIUM.is_file():
        print(f"Chromium introuvable ({CHROMIUM}) : tools/pretest.d/20-chromium.sh l'installe.", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    # Les pages de redirection (index.html → première page) ne sont pas des pages à lire.
    pages = [p for p in site_pages(html) if not _refresh_target(html / p)]
    results = {}
    with SiteServer(html) as server, sync_playwright() as playwright, \
            tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            locale="fr-FR", viewport=VIEWPORT, service_workers="block",
        )
        try:
            context.set_default_timeout(120_000)
            measure(context, server, pages[0])  # premier lancement de Chromium : non compté
            for page_path in pages:
                runs = [measure(context, server, page_path) for _ in range(max(1, args.repeat))]
                results[page_path] = {
                    "load_ms": statistics.median(r["load_ms"] for r in runs),
                    "ready_ms": statistics.median(r["ready_ms"] for r in runs),
                    "sizes": runs[-1]["sizes"],
                    "html": (html / page_path).stat().st_size,
                }
        finally:
            context.close()

    width = max(len(p) for p in pages)
    print(f"\n{'page'.ljust(width)}  {'HTML':>9}  {'total':>9}  {'req':>4}  {'load':>8}  {'prêt':>8}")
    for page_path, r in results.items():
        total = sum(r["sizes"].values())
        print(f"{page_path.ljust(width)}  {human(r['html']):>9}  {human(total):>9}  {len(r['sizes']):>4}  "
              f"{r['load_ms']:>6.0f}ms  {r['ready_ms']:>6.0f}ms")
    loads = [r["load_ms"] for r in results.values()]
    print(f"\n{len(results)} pages ; load médian {statistics.median(loads):.0f} ms, max {max(loads):.0f} ms "
          f"(médiane de {args.repeat} chargements à froid par page)")

    by_folder: dict[str, int] = defaultdict(int)
    total_site = 0
    for path in html.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total_site += size
            parts = path.relative_to(html).parts
            key = "/".join(parts[:2]) if parts[0] == "_static" and len(parts) > 2 else (parts[0] if len(parts) > 1 else "(racine)")
            by_folder[key] += size
    print(f"\nPoids total du site : {human(total_site)} ({html})")
    for key, size in sorted(by_folder.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {key:<28} {human(size):>9}")

    heaviest = max(results, key=lambda p: sum(results[p]["sizes"].values()))
    sizes = results[heaviest]["sizes"]
    print(f"\nPage la plus lourde : {heaviest} ({human(sum(sizes.values()))}, {len(sizes)} requêtes). "
          "Ressources les plus lourdes :")
    for url, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:6]:
        print(f"  {human(size):>9}  {url.split('/', 3)[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
