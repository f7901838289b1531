"""Open the built operator pages in headless Chromium and fail on console errors.

    .venv/bin/python tests/docs/chromium_check.py [SITE_DIR] [--pages N]

Without SITE_DIR the site is built first (`mkdocs build --strict` into a temporary folder).
The site is served over HTTP on 127.0.0.1 (a free port) and every page under
`operators/` is loaded with a fresh profile; a console message of level error, an uncaught
exception or a resource that fails to load is a failure. Exit codes: 0 clean, 1 console
errors, 77 Chromium is not installed (skipped).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = 77
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000", "--dump-dom")
# `[pid:tid:time:ERROR:CONSOLE(12)] "Uncaught ...", source: http://... (12)`
CONSOLE = re.compile(r":(\w+):CONSOLE[^\]]*\]\s*(.*)")


def find_browser() -> str | None:
    return next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)


def console_errors(browser: str, url: str) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        proc = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", url],
                              capture_output=True, text=True, timeout=60)
    errors = []
    for line in proc.stderr.splitlines():
        m = CONSOLE.search(line)
        if m and (m[1] == "ERROR" or "Uncaught" in m[2] or "Failed to load" in m[2]):
            errors.append(m[2])
    if proc.returncode != 0:
        errors.append(f"chromium exited with {proc.returncode}")
    return errors


def build_site(out: Path) -> None:
    mkdocs = Path(sys.executable).with_name("mkdocs")
    subprocess.run([str(mkdocs) if mkdocs.exists() else "mkdocs", "build", "--strict", "-q",
                    "-d", str(out)], cwd=ROOT, check=True)


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def check(site: Path, limit: int | None = None, extra: list[str] = ()) -> int:
    browser = find_browser()
    if browser is None:
        print("chromium_check: skipped, Chromium is not installed (apt-get install chromium)")
        return SKIP
    pages = sorted(p.relative_to(site).as_posix() for p in (site / "operators").rglob("index.html"))
    pages = pages[:limit] if limit else pages
    server, base = serve(site)
    failed = 0
    try:
        for rel in [*pages, *extra]:
            errors = console_errors(browser, f"{base}/{rel}")
            status = "ok" if not errors else "FAILED"
            print(f"{status}: {rel}")
            for e in errors:
                print(f"    {e}")
            failed += bool(errors)
    finally:
        server.shutdown()
    print(f"chromium_check: {len(pages) + len(extra)} pages, {failed} with console errors")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", help="a built site (default: build one)")
    parser.add_argument("--pages", type=int, default=None, help="check at most N pages")
    args = parser.parse_args(argv)
    if find_browser() is None:
        print("chromium_check: skipped, Chromium is not installed (apt-get install chromium)")
        return SKIP
    if args.site:
        return check(Path(args.site), args.pages)
    with tempfile.TemporaryDirectory(prefix="tariffc-site-") as tmp:
        build_site(Path(tmp) / "site")
        return check(Path(tmp) / "site", args.pages)


if __name__ == "__main__":
    sys.exit(main())
