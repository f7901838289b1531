"""The site's vendored scripts, and the mkdocs hook that puts them into the built site.

mkdocs-material draws the ```` ```mermaid ```` blocks of the operator pages (the family
group's state machine, the pass life cycle: `compiler.docs_diagrams`) with Mermaid, which it
loads from a CDN unless a global `mermaid` is already defined. The site must work offline
(a closed network, the browser test), so Mermaid is vendored: the `mermaid` package of the
npm registry, pinned by version and by the SHA-256 of its `dist/mermaid.min.js`, fetched
once with `npm pack` into `.cache/` (gitignored) and copied to `js/mermaid.min.js` of every
built site; the pages that have a diagram load it before the theme's script (`on_post_page`),
so the theme never fetches its own copy.

`mkdocs.yml` names this file under `hooks`. `TARIFFC_MERMAID_JS=/path/mermaid.min.js` uses
a copy at hand instead (it must have the pinned hash too).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MERMAID_VERSION = "11.12.2"
MERMAID_SHA256 = "d0830a6c05546e9edb8fe20a8f545f3e0dc7c4c3134d584bad9c13a99d7a71e0"
MERMAID_IN_PACKAGE = "package/dist/mermaid.min.js"
SITE_PATH = "js/mermaid.min.js"  # as listed in mkdocs.yml's extra_javascript


class VendorError(RuntimeError):
    """Mermaid could not be had (no npm, no registry) or is not the pinned file."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _checked(data: bytes, where: str) -> bytes:
    if _sha256(data) != MERMAID_SHA256:
        raise VendorError(f"{where} is not mermaid {MERMAID_VERSION}'s dist/mermaid.min.js "
                          f"(sha256 {_sha256(data)}, want {MERMAID_SHA256})")
    return data


def cache_path() -> Path:
    """Where the vendored copy is kept between builds."""
    return ROOT / ".cache" / f"mermaid-{MERMAID_VERSION}" / "mermaid.min.js"


def _npm_pack() -> bytes:
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError("npm is not installed: the site needs mermaid from the npm registry "
                          "(apt-get install npm), or TARIFFC_MERMAID_JS=/path/to/mermaid.min.js")
    with tempfile.TemporaryDirectory(prefix="tariffc-npm-") as tmp:
        proc = subprocess.run([npm, "pack", f"mermaid@{MERMAID_VERSION}", "--silent",
                               "--pack-destination", tmp], capture_output=True, text=True,
                              timeout=300, cwd=tmp)
        tarballs = list(Path(tmp).glob("*.tgz"))
        if proc.returncode != 0 or not tarballs:
            raise VendorError(f"npm pack mermaid@{MERMAID_VERSION} failed: {proc.stderr.strip()[-500:]}")
        with tarfile.open(tarballs[0]) as tar:
            member = tar.extractfile(MERMAID_IN_PACKAGE)
            if member is None:
                raise VendorError(f"{tarballs[0].name} has no {MERMAID_IN_PACKAGE}")
            return member.read()


def mermaid_js() -> bytes:
    """The pinned `mermaid.min.js`: from TARIFFC_MERMAID_JS, the cache, or `npm pack`
    (then cached)."""
    given = os.environ.get("TARIFFC_MERMAID_JS")
    if given:
        return _checked(Path(given).read_bytes(), given)
    cached = cache_path()
    if cached.is_file():
        return _checked(cached.read_bytes(), str(cached))
    data = _checked(_npm_pack(), f"npm's mermaid@{MERMAID_VERSION}")
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=cached.parent, suffix=".tmp", delete=False) as f:
        f.write(data)  # a private name, then renamed: two builds at once cannot mix their copies
    Path(f.name).replace(cached)
    return data


# --- the mkdocs hook ---------------------------------------------------------------------------

_THEME_BUNDLE = re.compile(r'<script src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js"')


def on_post_page(output: str, page, config, **kwargs) -> str:
    """mkdocs hook: a page with a diagram loads the vendored Mermaid before the theme's
    bundle (so the theme finds a global `mermaid` and fetches none); other pages do not
    load its 2.7 MB at all."""
    if '<pre class="mermaid">' not in output:
        return output
    from mkdocs.utils import get_relative_url

    src = get_relative_url(SITE_PATH, page.url)
    m = _THEME_BUNDLE.search(output)
    tag = f'<script src="{src}"></script>\n      '
    if m is None:  # a theme without the bundle: before </body>
        return output.replace("</body>", tag + "</body>", 1)
    return output[:m.start()] + tag + output[m.start():]


def on_post_build(config, **kwargs) -> None:
    """mkdocs hook: write the vendored Mermaid into the built site."""
    from mkdocs.exceptions import PluginError

    try:
        data = mermaid_js()
    except (VendorError, OSError, subprocess.SubprocessError) as e:
        raise PluginError(f"tariffc: cannot vendor Mermaid for the site's diagrams: {e}") from e
    out = Path(config["site_dir"]) / SITE_PATH
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
