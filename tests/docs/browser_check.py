"""Open the built site in headless Chromium (driven by Playwright) and check it as a reader would.

    .venv/bin/python tests/docs/browser_check.py [SITE_DIR] [--screenshots DIR]

Without SITE_DIR the site is built first (`mkdocs build --strict` into a temporary folder).
The site is served over HTTP on 127.0.0.1 (a free port, from a thread) and Chromium, with a
fresh profile and no network but that server, then:

- opens every operator page (`operators/**/index.html`) at a desktop and at a phone viewport
  (390x844): a console error, an uncaught exception, a failed request or an HTTP error status
  is a failure; so is a Mermaid diagram that does not render, and, on the phone, a page wider
  than the screen (wide tables must scroll inside their box, not widen the page);
- checks every `<a href>` of those pages that points into the site: the target file must
  exist, and its `#fragment`, when given, must be an id of the target page;
- types `Zona 1` and `TPP1` into the theme's search box and expects results that show them;
- saves screenshots of three pages (the family group's diagram, the bill layout, the zone
  membership on a phone) and of the search results to the screenshots folder (default
  `artifacts/screenshots/`, or `$TARIFFC_SCREENSHOTS`).

Chromium is Debian's `/usr/bin/chromium` (or `$TARIFFC_CHROMIUM`): Playwright's own browser
downloads are never used. Exit codes: 0 clean, 1 problems found, 77 Chromium or Playwright
is not installed (skipped, with the reason).
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
SKIP = 77
BROWSERS = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SEARCHES = ("Zona 1", "TPP1")
# (file name, page, viewport, element to scroll to)
SCREENSHOTS = (("family-diagram.png", "operators/telenor_rs/en/family/", DESKTOP, "div.mermaid"),
               ("bill-layout.png", "operators/telenor_rs/en/bill/", DESKTOP, ".bill-layout"),
               ("zones-phone.png", "operators/telenor_rs/sr/prices/", PHONE, "#pripadnost-zonama"))


def screenshots_dir() -> Path:
    """Where the screenshots go: `$TARIFFC_SCREENSHOTS`, else `artifacts/screenshots/`."""
    return Path(os.environ.get("TARIFFC_SCREENSHOTS") or ROOT / "artifacts" / "screenshots")


def find_chromium() -> str | None:
    given = os.environ.get("TARIFFC_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    return next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)


def unavailable() -> str | None:
    """Why the browser check cannot run here (None: it can)."""
    if find_chromium() is None:
        return "Chromium is not installed (apt-get install chromium; .ci/run installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    return None


def build_site(out: Path) -> None:
    mkdocs = Path(sys.executable).with_name("mkdocs")
    subprocess.run([str(mkdocs) if mkdocs.exists() else "mkdocs", "build", "--strict", "-q",
                    "-d", str(out)], cwd=ROOT, check=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@dataclass
class Report:
    """What the check found: `problems` fail it; the rest is what it measured."""

    pages: list[str] = field(default_factory=list)
    links: int = 0
    diagrams: int = 0
    searches: dict[str, list[str]] = field(default_factory=dict)
    screenshots: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        found = "; ".join(
            f"{q!r}: {len(hits)} results, the first showing it #"
            + str(next((i + 1 for i, t in enumerate(hits) if q.lower() in t.lower()), "none"))
            for q, hits in self.searches.items())
        return (f"browser_check: {len(self.pages)} pages (desktop and phone), {self.diagrams} diagrams, "
                f"{self.links} internal links, search {found}, {len(self.screenshots)} screenshots, "
                f"{len(self.problems)} problems, {self.seconds:.1f} s")


def operator_pages(site: Path) -> list[str]:
    """The site paths of every operator page (`operators/telenor_rs/en/family/`)."""
    return sorted(p.parent.relative_to(site).as_posix() + "/"
                  for p in (site / "operators").rglob("index.html"))


def target_file(site: Path, path: str) -> Path:
    """The file the server sends for a URL path (`/a/` -> `a/index.html`)."""
    rel = unquote(path).lstrip("/")
    f = site / rel
    return f / "index.html" if rel == "" or rel.endswith("/") or f.is_dir() else f


_IDS: dict[Path, set[str]] = {}


def ids_of(f: Path) -> set[str]:
    if f not in _IDS:
        text = f.read_text(encoding="utf-8", errors="replace") if f.suffix == ".html" else ""
        _IDS[f] = {html.unescape(m) for m in re.findall(r'\sid="([^"]+)"', text)}
    return _IDS[f]


def check_links(site: Path, base: str, page: str, hrefs: list[str], report: Report) -> None:
    origin = urlsplit(base).netloc
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or parts.netloc != origin:
            continue  # external, mailto:, javascript: (none is generated)
        report.links += 1
        f = target_file(site, parts.path)
        if not f.is_file():
            report.problems.append(f"{page}: broken link {href} (no {f.relative_to(site)})")
        elif parts.fragment and unquote(parts.fragment) not in ids_of(f):
            report.problems.append(f"{page}: broken link {href} (no id {parts.fragment!r})")


def _watch(page, where: list[str], report: Report) -> None:
    """Record console errors, uncaught exceptions, failed requests and HTTP errors."""
    def problem(kind: str, text: str) -> None:
        report.problems.append(f"{where[0]}: {kind}: {text}")

    page.on("console", lambda m: m.type == "error" and problem("console error", m.text))
    page.on("pageerror", lambda e: problem("uncaught exception", str(e)))
    # ERR_ABORTED: a request the next navigation cancelled (the search worker's), not a failure
    page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED"
            and problem("request failed", f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and problem("HTTP error", f"{r.status} {r.url}"))


def _open(page, base: str, rel: str, where: list[str]) -> None:
    where[0] = rel
    page.goto(f"{base}/{rel}", wait_until="load")
    # the theme swaps each <pre class="mermaid"> for a <div class="mermaid"> once drawn
    if page.locator("pre.mermaid").count():
        page.wait_for_function("document.querySelectorAll('pre.mermaid').length === 0",
                               polling=50, timeout=15000)


def check_pages(site: Path, base: str, browser, report: Report) -> None:
    """Every operator page, loaded once: at the desktop viewport (errors, diagrams, links),
    then narrowed to the phone's (the layout follows CSS media queries, no reload needed)."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    where = [""]
    _watch(page, where, report)
    for rel in report.pages:
        page.set_viewport_size(DESKTOP)
        _open(page, base, rel, where)
        drawn = page.evaluate("""() => [...document.querySelectorAll('div.mermaid')]
                                  .map(d => d.getBoundingClientRect().height)""")
        report.diagrams += len(drawn)
        if any(h < 50 for h in drawn):
            report.problems.append(f"{rel}: a diagram rendered {min(drawn):.0f} px high")
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
        check_links(site, base, rel, hrefs, report)
        page.set_viewport_size(PHONE)
        wide = page.evaluate("""() => new Promise(done => requestAnimationFrame(() =>
                                    done(document.documentElement.scrollWidth - window.innerWidth)))""")
        if wide > 0:
            report.problems.append(f"{rel}: on a {PHONE['width']} px phone the page is "
                                   f"{wide} px wider than the screen")
    context.close()


def check_search(base: str, browser, report: Report, shots: Path | None) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    where = ["search"]
    _watch(page, where, report)
    _open(page, base, "operators/", where)
    for query in SEARCHES:
        box = page.locator("input.md-search__input")
        box.click()
        box.fill("")
        box.type(query, delay=20)
        items = page.locator(".md-search-result__item")
        try:
            items.first.wait_for(timeout=10000)
        except Exception:  # playwright's TimeoutError: no result at all
            pass
        texts = items.all_inner_texts()
        report.searches[query] = texts
        showing = [i for i, t in enumerate(texts) if query.lower() in t.lower()]
        if not showing:
            report.problems.append(f"search {query!r}: no result shows it ({len(texts)} results)")
        if shots is not None and query == SEARCHES[0]:
            shots.mkdir(parents=True, exist_ok=True)
            if showing:  # the first result that shows the query, in view
                items.nth(showing[0]).scroll_into_view_if_needed()
            out = shots / "search-zona-1.png"
            page.screenshot(path=str(out))
            report.screenshots.append(out)
        page.keyboard.press("Escape")
    context.close()


def take_screenshots(base: str, browser, report: Report, shots: Path) -> None:
    shots.mkdir(parents=True, exist_ok=True)
    for name, rel, viewport, selector in SCREENSHOTS:
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        _open(page, base, rel, [rel])
        if selector:
            page.locator(selector).first.scroll_into_view_if_needed()
            page.wait_for_timeout(200)  # the header settles after the scroll
        page.screenshot(path=str(shots / name))
        report.screenshots.append(shots / name)
        context.close()


def check(site: Path, shots: Path | None = None) -> Report:
    """Run every check on a built site (see the module docstring)."""
    from playwright.sync_api import sync_playwright

    start = time.monotonic()
    report = Report(pages=operator_pages(site))
    if not report.pages:
        report.problems.append(f"no operator pages under {site / 'operators'}")
    server, base = serve(site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium(), args=ARGS)
            try:
                check_pages(site, base, browser, report)
                check_search(base, browser, report, shots)
                if shots is not None:
                    take_screenshots(base, browser, report, shots)
            finally:
                browser.close()
    finally:
        server.shutdown()
    report.seconds = time.monotonic() - start
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", help="a built site (default: build one)")
    parser.add_argument("--screenshots", type=Path, default=None,
                        help="folder for the screenshots (default: $TARIFFC_SCREENSHOTS or artifacts/screenshots)")
    args = parser.parse_args(argv)
    why = unavailable()
    if why:
        print(f"browser_check: skipped: {why}")
        return SKIP
    shots = args.screenshots or screenshots_dir()
    with tempfile.TemporaryDirectory(prefix="tariffc-site-") as tmp:
        site = Path(args.site) if args.site else Path(tmp) / "site"
        if not args.site:
            build_site(site)
        report = check(site, shots)
    for problem in report.problems:
        print(f"FAILED: {problem}")
    print(report.summary())
    print(f"browser_check: screenshots in {shots}")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
