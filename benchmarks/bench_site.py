"""Poids, vitesse et réactivité de chaque page du site (ce n'est pas un test).

Usage : ``.venv/bin/python benchmarks/bench_site.py [--html _build/html] [--before DOSSIER]
[--pages chapters/04_filtre_adaptatif.html …] [--no-lighthouse] [--repeat 1]``

Le site déjà construit (``tools/build.sh``) est servi sur 127.0.0.1 comme le ferait GitHub
Pages : textes compressés en gzip quand le navigateur le demande, sans cache. Pour chaque
page (celles de ``_toc.yml``, plus la recherche et l'index), on affiche :

- ``poids`` : tout ce que la page charge, widgets montés et polices comprises (octets
  décodés, ce que le navigateur doit lire) — la cible est ≤ 4 Mo ; ``gzip`` : ce qui passe
  sur le réseau ;
- ``perf``, ``FCP``, ``LCP`` : Lighthouse 12.2.3 (npm, profil mobile par défaut : réseau 4G
  lent et processeur ralenti simulés), avec le Chromium de Debian ; cibles : perf ≥ 90 et
  FCP ≤ 3 s. Lighthouse est installé à la première utilisation dans
  ``benchmarks/lighthouse/node_modules`` (``npm ci``, versions de ``package-lock.json``) ;
- ``curseur`` : pour les pages à widgets, le temps entre un mouvement de curseur et l'image
  suivante (événement « input » → requestAnimationFrame), médiane et maximum sur tous les
  curseurs de la page — la cible est ≤ 100 ms.

``--before DOSSIER`` mesure aussi un autre site construit (par exemple celui de ``main``,
construit dans un clone avec ``tools/build.sh``) et affiche les deux côte à côte. Les temps
dépendent de la machine (ici, 2 cœurs partagés par plusieurs builds) : à comparer entre eux.

Mesuré le 2026-12-03 (machine à 2 cœurs au repos, un passage Lighthouse par page) : avant =
main ba6a515, après = état des widgets dans un fichier à côté de la page, chargé à
l'approche du premier widget (``tools/site_assets.py``, ``widgets-loader.js``), et MathML des
lecteurs d'écran posé après le premier affichage, par lots, quand le navigateur est libre
(``tools/site_math.py``, ``math-a11y.js``). Commande :
``benchmarks/bench_site.py --html /tmp/after --before /tmp/base`` (les deux sites construits
avec ``tools/build.sh --all``, main dans un ``git worktree``). TBT : temps de blocage total.

| page | poids avant → après | perf avant → après | FCP avant → après | LCP avant → après | TBT avant → après |
| --- | --- | --- | --- | --- | --- |
| intro | 681,9 Ko → 684,7 Ko | 97 → 97 | 2,0 s → 2,0 s | 2,1 s → 2,1 s | 0 ms → 0 ms |
| chapters/01_pourquoi_lstm | 1,8 Mo → 1,8 Mo | 88 → 95 | 2,3 s → 2,1 s | 2,7 s → 2,4 s | 290 ms → 69 ms |
| chapters/02_portes | 1,3 Mo → 1,3 Mo | 97 → 96 | 2,0 s → 2,0 s | 2,3 s → 2,4 s | 14 ms → 45 ms |
| chapters/03_memoire | 1,4 Mo → 1,4 Mo | 97 → 96 | 2,0 s → 2,0 s | 2,3 s → 2,4 s | 34 ms → 47 ms |
| chapters/04_filtre_adaptatif | 1,7 Mo → 1,7 Mo | 92 → 96 | 2,4 s → 2,0 s | 2,9 s → 2,3 s | 85 ms → 119 ms |
| chapters/05_pytorch | 1,2 Mo → 1,2 Mo | 84 → 96 | 2,9 s → 2,0 s | 3,2 s → 2,3 s | 211 ms → 131 ms |
| chapters/06_bidirectionnalite | 1,2 Mo → 1,3 Mo | 86 → 96 | 2,8 s → 2,0 s | 3,1 s → 2,4 s | 177 ms → 82 ms |
| chapters/07_retropropagation | 1,4 Mo → 1,4 Mo | 94 → 97 | 2,3 s → 2,1 s | 2,6 s → 2,3 s | 121 ms → 60 ms |
| chapters/08_gru_variantes | 1,1 Mo → 1,1 Mo | 89 → 97 | 2,4 s → 2,0 s | 2,7 s → 2,3 s | 201 ms → 66 ms |
| chapters/09_donnees_reelles | 1,1 Mo → 1,1 Mo | 85 → 97 | 2,4 s → 2,1 s | 2,7 s → 2,3 s | 304 ms → 40 ms |
| chapters/10_apres_les_lstm | 943,5 Ko → 949,2 Ko | 92 → 96 | 2,0 s → 2,0 s | 2,3 s → 2,4 s | 256 ms → 39 ms |
| exercises/index | 656,7 Ko → 659,1 Ko | 99 → 97 | 1,7 s → 2,0 s | 2,0 s → 2,3 s | 8 ms → 0 ms |
| exercises/ex01_pourquoi_lstm | 806,9 Ko → 812,5 Ko | 98 → 96 | 1,8 s → 2,1 s | 2,1 s → 2,4 s | 18 ms → 0 ms |
| exercises/ex02_portes | 789,0 Ko → 794,3 Ko | 93 → 98 | 2,1 s → 1,8 s | 2,6 s → 2,1 s | 155 ms → 44 ms |
| exercises/ex03_memoire | 782,7 Ko → 788,2 Ko | 98 → 94 | 1,8 s → 2,1 s | 2,1 s → 2,6 s | 0 ms → 127 ms |
| exercises/ex04_filtre_adaptatif | 761,1 Ko → 766,2 Ko | 98 → 98 | 1,8 s → 2,0 s | 2,0 s → 2,1 s | 45 ms → 48 ms |
| exercises/ex05_pytorch | 710,5 Ko → 713,2 Ko | 98 → 95 | 1,8 s → 2,1 s | 2,1 s → 2,6 s | 73 ms → 39 ms |
| exercises/ex06_bidirectionnalite | 718,5 Ko → 721,5 Ko | 96 → 98 | 1,8 s → 1,8 s | 2,1 s → 2,1 s | 148 ms → 44 ms |
| exercises/ex07_retropropagation | 742,6 Ko → 745,8 Ko | 93 → 94 | 2,1 s → 2,1 s | 2,4 s → 2,6 s | 162 ms → 104 ms |
| exercises/ex08_gru_variantes | 755,0 Ko → 758,0 Ko | 96 → 96 | 2,0 s → 1,8 s | 2,3 s → 2,3 s | 134 ms → 128 ms |
| exercises/ex09_donnees_reelles | 764,9 Ko → 768,2 Ko | 98 → 97 | 1,8 s → 2,0 s | 2,1 s → 2,3 s | 41 ms → 54 ms |
| exercises/ex10_apres_les_lstm | 749,0 Ko → 752,2 Ko | 96 → 98 | 2,1 s → 1,8 s | 2,4 s → 2,1 s | 46 ms → 82 ms |
| exercises/ex11_mini_projet | 679,0 Ko → 681,5 Ko | 98 → 98 | 1,8 s → 1,9 s | 2,1 s → 2,2 s | 0 ms → 9 ms |
| guide-enseignant | 722,5 Ko → 725,3 Ko | 97 → 98 | 2,0 s → 1,8 s | 2,1 s → 2,1 s | 0 ms → 70 ms |
| glossaire | 805,8 Ko → 810,0 Ko | 98 → 98 | 1,8 s → 1,8 s | 2,0 s → 2,1 s | 4 ms → 6 ms |
| bibliographie | 650,2 Ko → 652,6 Ko | 98 → 98 | 1,8 s → 1,8 s | 2,0 s → 2,0 s | 1 ms → 0 ms |
| search | 827,2 Ko → 829,6 Ko | 94 → 94 | 2,4 s → 2,4 s | 2,4 s → 2,4 s | 0 ms → 0 ms |
| genindex | 637,8 Ko → 640,1 Ko | 99 → 98 | 1,7 s → 1,8 s | 1,8 s → 2,0 s | 0 ms → 5 ms |

Performance minimale 84 → 94, FCP maximal 2,9 s → 2,4 s. Le poids ne baisse pas (l'état
des widgets est toujours chargé, 360,6 Ko pour le chapitre 1, et ``math-a11y.js`` ajoute
3 Ko) : ce qui change, c'est qu'il n'est plus lu avant le premier affichage. Ce qui restait
sous 90 avant tenait au temps de blocage : l'analyse du JSON des widgets et la mise en page
des ~2 000 éléments MathML cachés du chapitre 1 (161 ms de mise en page, 180 ms de styles
dans une trace de Chromium). Curseurs : 84 mouvements, médiane 16,6 ms, maximum 25,1 ms (une
image à 60 Hz).

Le score bouge d'un passage à l'autre de ±5 points, surtout par le TBT : Lighthouse ne
compte que les tâches longues d'après le premier affichage simulé, et elles tombent d'un
côté ou de l'autre (ci-dessus, ex03 : 98 → 94 sans que rien n'y ait changé de sa
construction). Chapitre 1, passages alternés avant/après : 90, 92, 91 → 95, 93, 94 avec
l'état seul dehors, puis 96, 96 avec le MathML différé. Le FCP reste sous 2,6 s sur toutes
les pages dans tous les passages.

Le bord estompé de ce qui défile de côté sur un téléphone (un masque par conteneur,
``_static/lstm-site.css``) ne coûte rien de mesurable : chapitre 5, le plus chargé en code
qui défile, quatre passages alternés avec et sans : 95, 91, 92, 96 contre 97, 92, 88, 95
(Lighthouse lancé tour à tour sur deux copies du site qui ne diffèrent que par cette règle).

Le 2026-12-02, la ronde précédente (icônes réduites, glyphes MathJax mis en commun, images
paresseuses, balises muettes du code retirées, recherche sur sa seule page) avait fait
passer la page la plus lourde de 3,0 Mo à 1,8 Mo, la performance minimale de 65 à 89 et le
FCP maximal de 4,6 s à 2,5 s (avant = main 908453c).
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "tests"))
from browser_fixtures import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    RENDERED_JS,
    VIEWPORT,
    SiteServer,
    _QuietHandler,
    _settle,
)

LIGHTHOUSE_DIR = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".txt", ".ttf", ".otf")  # comme GitHub Pages

SIZES_JS = """() => {
    const sizes = {};
    for (const e of performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')))
        if (e.name.startsWith('http')) sizes[e.name] = [e.decodedBodySize || 0, e.transferSize || 0];
    return sizes;
}"""

# Un mouvement de curseur, puis l'image suivante : ce que voit le lecteur.
LATENCY_JS = """async () => {
    const times = [];
    for (const input of document.querySelectorAll('.lstm-x input[type=range]')) {
        const low = Number(input.min), high = Number(input.max);
        for (const fraction of [0.25, 0.75, 0.5]) {
            input.value = String(low + fraction * (high - low));
            const start = performance.now();
            input.dispatchEvent(new Event('input', { bubbles: true }));
            await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
            times.push(performance.now() - start);
        }
    }
    return times;
}"""


class GzipHandler(_QuietHandler):
    """Comme GitHub Pages : textes compressés en gzip si le navigateur l'accepte, connexions
    gardées ouvertes (HTTP/1.1 ; http.server parle HTTP/1.0 par défaut, une connexion par
    fichier, ce que Lighthouse compterait comme autant de poignées de main sur un réseau lent)."""

    protocol_version = "HTTP/1.1"

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if (path.suffix in COMPRESSIBLE and path.is_file()
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            body = gzip.compress(path.read_bytes(), compresslevel=6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            import io

            return io.BytesIO(body)
        return super().send_head()


class GzipServer(SiteServer):
    def __init__(self, directory: Path):
        super().__init__(directory)
        import functools

        self.httpd.RequestHandlerClass = functools.partial(GzipHandler, directory=str(directory))


def human(size: float) -> str:
    for unit in ("o", "Ko", "Mo"):
        if size < 1024 or unit == "Mo":
            return f"{size:.0f} {unit}" if unit == "o" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} Mo"


def book_pages(html: Path) -> list[str]:
    from sphinx_external_toc.parsing import parse_toc_yaml

    pages = [f"{docname}.html" for docname in parse_toc_yaml(ROOT / "_toc.yml")]
    return [p for p in pages + ["search.html", "genindex.html"] if (html / p).is_file()]


def weigh(context, server, page_path: str) -> dict:
    """Un chargement à froid, widgets montés : octets décodés et transférés, latence des curseurs."""
    page = context.new_page()
    pending: set = set()
    page.on("request", lambda request: pending.add(request))
    page.on("requestfinished", lambda request: pending.discard(request))
    page.on("requestfailed", lambda request: pending.discard(request))
    page.goto(server.url(page_path), wait_until="load")
    page.evaluate(RENDERED_JS)
    _settle(page, pending)
    # Jusqu'en bas de la page : ce qui ne se charge qu'à l'approche du lecteur compte aussi.
    page.evaluate("async () => { for (let y = 0; y < document.body.scrollHeight; y += 600) { scrollTo(0, y); await new Promise(r => setTimeout(r, 30)); } }")
    _settle(page, pending)
    sizes = page.evaluate(SIZES_JS)
    latency = page.evaluate(LATENCY_JS) if page.query_selector(".lstm-x input[type=range]") else []
    page.close()
    return {"decoded": sum(s[0] for s in sizes.values()), "transfer": sum(s[1] for s in sizes.values()),
            "requests": len(sizes), "latency": latency, "sizes": sizes}


def ensure_lighthouse() -> Path | None:
    if LIGHTHOUSE.is_file():
        return LIGHTHOUSE
    npm = shutil.which("npm")
    if npm is None:
        print("npm introuvable : Lighthouse ne sera pas lancé.", file=sys.stderr)
        return None
    print("Installation de Lighthouse 12.2.3 (npm ci dans benchmarks/lighthouse)…", file=sys.stderr)
    subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=LIGHTHOUSE_DIR, check=True)
    return LIGHTHOUSE


def lighthouse(binary: Path, url: str, repeat: int) -> dict:
    """Score de performance et métriques de Lighthouse (profil mobile) ; médiane de ``repeat`` passages."""
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
            flags = " ".join(["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                              "--disable-background-networking", f"--user-data-dir={profile}"])
            proc = subprocess.run(
                [str(binary), url, f"--chrome-path={CHROMIUM}", f"--chrome-flags={flags}",
                 "--only-categories=performance", "--output=json", "--output-path=stdout", "--quiet",
                 "--locale=fr"],
                capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            print(f"Lighthouse a échoué sur {url} : {proc.stderr[-500:]}", file=sys.stderr)
            continue
        report = json.loads(proc.stdout)
        audits = report["audits"]
        runs.append({
            "perf": round(100 * (report["categories"]["performance"]["score"] or 0)),
            "fcp": audits["first-contentful-paint"]["numericValue"] / 1000,
            "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
            "tbt": audits["total-blocking-time"]["numericValue"],
            "cls": audits["cumulative-layout-shift"]["numericValue"],
        })
    if not runs:
        return {}
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def measure_site(html: Path, pages: list[str], *, use_lighthouse: bool, repeat: int) -> dict:
    from playwright.sync_api import sync_playwright

    binary = ensure_lighthouse() if use_lighthouse else None
    results: dict[str, dict] = {}
    with GzipServer(html) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fr-FR", viewport=VIEWPORT, service_workers="block")
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server.origin)
                      or r.request.url.startswith(("data:", "blob:")) else r.abort())
        try:
            weigh(context, server, pages[0])  # premier lancement : non compté
            for page_path in pages:
                results[page_path] = weigh(context, server, page_path)
        finally:
            context.close()
            browser.close()
        if binary is not None:
            for page_path in pages:
                results[page_path].update(lighthouse(binary, server.url(page_path), repeat))
                print(f"  Lighthouse {page_path} : {results[page_path].get('perf')}", file=sys.stderr)
    return results


def _cells(r: dict | None) -> list[str]:
    if not r:
        return ["—"] * 7
    latency = r.get("latency") or []
    return [
        human(r["decoded"]), human(r["transfer"]),
        f"{r['perf']:.0f}" if "perf" in r else "—",
        f"{r['fcp']:.1f} s" if "fcp" in r else "—",
        f"{r['lcp']:.1f} s" if "lcp" in r else "—",
        f"{r['tbt']:.0f} ms" if "tbt" in r else "—",
        f"{statistics.median(latency):.1f} / {max(latency):.1f} ms" if latency else "—",
    ]


def report(after: dict, before: dict | None) -> None:
    header = ["poids", "gzip", "perf", "FCP", "LCP", "TBT", "curseur méd./max"]
    width = max(len(p) for p in after)
    columns = header if before is None else [f"{h} avant" for h in header] + [f"{h} après" for h in header]
    print("\n" + "page".ljust(width) + "".join(f"  {c:>17}" for c in columns))
    for page_path, r in after.items():
        cells = _cells(r) if before is None else _cells(before.get(page_path)) + _cells(r)
        print(page_path.ljust(width) + "".join(f"  {c:>17}" for c in cells))
    heaviest = max(after, key=lambda p: after[p]["decoded"])
    sizes = after[heaviest]["sizes"]
    print(f"\nPage la plus lourde : {heaviest} ({human(after[heaviest]['decoded'])}, "
          f"{after[heaviest]['requests']} requêtes). Ressources les plus lourdes :")
    for url, (decoded, transfer) in sorted(sizes.items(), key=lambda kv: -kv[1][0])[:6]:
        print(f"  {human(decoded):>9} ({human(transfer)} gzip)  {url.split('/', 3)[-1]}")
    latencies = [t for r in after.values() for t in r.get("latency") or []]
    if latencies:
        print(f"\nCurseurs : {len(latencies)} mouvements, médiane {statistics.median(latencies):.1f} ms, "
              f"max {max(latencies):.1f} ms (cible ≤ 100 ms)")
    perf = [r["perf"] for r in after.values() if "perf" in r]
    if perf:
        fcp = [r["fcp"] for r in after.values() if "fcp" in r]
        print(f"Lighthouse (mobile) : performance min {min(perf):.0f} (cible ≥ 90), FCP max {max(fcp):.1f} s (cible ≤ 3 s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="dossier du site construit")
    parser.add_argument("--before", type=Path, help="un autre site construit, à comparer (par exemple celui de main)")
    parser.add_argument("--pages", nargs="*", help="pages à mesurer (défaut : toutes celles de _toc.yml)")
    parser.add_argument("--no-lighthouse", action="store_true", help="poids et curseurs seulement")
    parser.add_argument("--repeat", type=int, default=1, help="passages de Lighthouse par page (médiane)")
    args = parser.parse_args(argv)
    html = args.html.resolve()
    if not (html / "index.html").is_file():
        print(f"Pas de site dans {html} : construisez-le d'abord (tools/build.sh).", file=sys.stderr)
        return 1
    if not CHROMIUM.is_file():
        print(f"Chromium introuvable ({CHROMIUM}) : tools/pretest.d/20-chromium.sh l'installe.", file=sys.stderr)
        return 1
    pages = args.pages or book_pages(html)
    options = {"use_lighthouse": not args.no_lighthouse, "repeat": max(1, args.repeat)}
    before = measure_site(args.before.resolve(), pages, **options) if args.before else None
    after = measure_site(html, pages, **options)
    report(after, before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
