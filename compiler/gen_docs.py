"""Checked model -> the Markdown pages of the documentation site.

    docs/operators/index.md                    the operators and their languages
    docs/operators/<operator>/<lang>/*.md      one page set per language the operator declares
    docs/operators/nav.yml                     the site's navigation (mkdocs.yml inherits it)
    docs/runtime/api.md                        the runtime's public API, from its docstrings

Every page comes from one Jinja2 template in `templates/docs/`; the templates carry structure
only, and the rows and sentences they print are built here, with money, numbers and dates
formatted for the page's language by babel (`1.524,40 RSD` in Serbian, `1,524.40 RSD` in
English). Texts a spec gives in the page's language are shown as written; otherwise the
operator's default language is shown, marked with its language.

Safety: the environment autoescapes with `md` instead of HTML escaping, so everything printed
with `{{ }}` (names, prose, notes, reply texts) shows literally: a spec cannot add markup,
links or scripts to the site. Only values built here as `Markup` (already escaped with `md`)
pass through unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import jinja2
from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from compiler.docs_labels import LABELS, LANGUAGE_NAMES, label
from compiler.lower import cite
from compiler.model import Tariff

TEMPLATES = Path(__file__).with_name("templates") / "docs"
# babel locale of each page language (Telenor writes Serbian in Latin script).
LOCALES = {"sr": "sr_Latn", "en": "en", "az": "az", "ru": "ru"}
# The pages of an operator, in navigation order; a page without content is not written.
PAGES = ("index", "prices", "networks", "passes", "codes", "sms", "family", "balance", "bill")

# --- escaping ------------------------------------------------------------------------------

_INLINE = {
    "\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]", "{": "\\{",
    "}": "\\}", "#": "\\#", "!": "\\!",
    "<": "&lt;", ">": "&gt;", "&": "&amp;", "|": "&#124;",
}
_INLINE_RE = re.compile("[" + re.escape("".join(_INLINE)) + "]")
_LIST_START = re.compile(r"^(\d+)\.(?=\s|$)")


def md(text) -> Markup:
    """Text shown literally in Markdown (Python-Markdown with tables), on one line.

    Markdown syntax characters are backslash-escaped, HTML characters and the table pipe
    become entities, whitespace (newlines too) collapses to one space, and a start that would
    make a list item is escaped.

    >>> str(md("<script>alert(1)</script> | *x* [a](javascript:b) `c`"))
    '&lt;script&gt;alert(1)&lt;/script&gt; &#124; \\\\*x\\\\* \\\\[a\\\\](javascript:b) \\\\`c\\\\`'
    >>> str(md("- 1. two\\n  lines"))
    '\\\\- 1. two lines'
    """
    if isinstance(text, Markup):
        return text
    if isinstance(text, bool) or text is None:
        raise TypeError(f"refusing to print {text!r} in a docs page")
    s = escape_inline(" ".join(str(text).split()))
    if s[:1] in ("-", "+"):
        s = "\\" + s
    s = _LIST_START.sub(lambda m: m[1] + "\\.", s)
    return Markup(s)


def escape_inline(s: str) -> str:
    """Markdown and HTML syntax characters of `s` made literal (whitespace kept)."""
    return _INLINE_RE.sub(lambda m: _INLINE[m[0]], s)


def md_paragraphs(text: str) -> list[Markup]:
    """Prose (an `about` text) as escaped paragraphs: blank lines separate paragraphs."""
    return [md(p) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def slugify(value: str, separator: str) -> str:
    """Heading ids for mkdocs' toc (mkdocs.yml): Python-Markdown's slug, with a letter in
    front when it would start with a digit or be empty (`*111*1*7#YES` gives `11117yes`, an
    id the theme's scrollspy cannot select)."""
    from markdown.extensions.toc import slugify_unicode

    slug = slugify_unicode(value, separator)
    return slug if slug[:1].isalpha() else f"h{separator}{slug}"


def _finalize(value):
    return value if isinstance(value, Markup) else md(value)


def environment() -> jinja2.Environment:
    """Autoescape with `md`: `{{ x }}` prints `md(x)` unless x is already `Markup`."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, autoescape=True, finalize=_finalize,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["md"] = md
    return env


# --- locale formatting -----------------------------------------------------------------------

_PER = {"min": "min", "s": "s", "KB": "KB", "MB": "MB", "sms": "sms", "mms": "mms", "call": "call",
        "month": "month", "use": "use"}


class Format:
    """Numbers, money, dates and spec texts for pages in one language."""

    def __init__(self, lang: str, tariff: Tariff) -> None:
        self.lang = lang
        self.locale = LOCALES.get(lang, lang)
        self.default = tariff.operator.default_language
        self.tariff = tariff

    def t(self, key: str, **args) -> str:
        text = label(key, self.lang)
        return text.format(**args) if args else text

    # numbers
    def integer(self, n: int) -> str:
        return format_decimal(n, locale=self.locale)

    def decimal(self, d: Decimal) -> str:
        return format_decimal(d, "#,##0.###", locale=self.locale, decimal_quantization=False)

    def money(self, amount: Decimal, currency: str) -> str:
        """`1.524,40 RSD`: at least two decimals, more when the spec has them (0,0236 AZN)."""
        return format_decimal(amount, "#,##0.00", locale=self.locale,
                              decimal_quantization=False) + " " + currency

    def price(self, price) -> str:
        text = self.money(price.amount, price.currency)
        if price.per:
            per = _PER.get(price.per, price.per)
            text += f"/{per}" if price.per_amount == 1 else f"/{self.integer(price.per_amount)} {per}"
        return text

    def price_or_free(self, price) -> str:
        if price is None:
            return self.t("not_stated")
        return self.t("free") if price.is_free else self.price(price)

    def percent(self, p: Decimal) -> str:
        return format_percent(p / 100, locale=self.locale)

    def kb(self, kb: int) -> str:
        if kb >= 1024 * 1024 and kb % (1024 * 1024) == 0:
            return f"{self.integer(kb // (1024 * 1024))} GB"
        if kb >= 1024 and kb % 1024 == 0:
            return f"{self.integer(kb // 1024)} MB"
        return f"{self.integer(kb)} KB"

    def duration(self, seconds: int) -> str:
        if seconds % 86400 == 0 and seconds >= 2 * 86400:
            return f"{self.integer(seconds // 86400)} {self.t('days')}"
        if seconds % 3600 == 0:
            return f"{self.integer(seconds // 3600)} {self.t('hours')}"
        return f"{self.integer(seconds)} {self.t('seconds')}"

    def date(self, d: dt.date) -> str:
        return format_date(d, "medium", locale=self.locale)

    def month(self, d: dt.date) -> str:
        return format_date(d, "LLLL y", locale=self.locale)

    def time(self, t: dt.time) -> str:
        return format_time(t, "HH:mm", locale=self.locale)

    def datetime(self, moment: dt.datetime, tz) -> str:
        return format_datetime(moment, "short", tzinfo=tz, locale=self.locale)

    def country(self, code: str) -> str:
        name = Locale.parse(self.locale).territories.get(code)
        return f"{name} ({code})" if name else code

    # spec texts
    def text(self, texts, fallback: str = "") -> Markup:
        """The text in the page's language, else the default language's, marked."""
        shown = texts.get(self.lang)
        if shown is not None:
            return md(shown)
        for lang in (self.default, *texts.languages):
            shown = texts.get(lang)
            if shown is not None:
                return self.marked(shown, lang)
        return md(fallback)

    def marked(self, text: str, lang: str) -> Markup:
        """A text in another language than the page's, with its language after it."""
        if lang == self.lang:
            return md(text)
        return Markup(f"{md(text)} *({md(self.t('fallback', lang=LANGUAGE_NAMES.get(lang, lang)))})*")

    def paragraphs(self, texts) -> list[Markup]:
        shown = texts.get(self.lang)
        lang = self.lang
        if shown is None:
            lang = next((lg for lg in (self.default, *texts.languages) if texts.get(lg)), None)
            shown = texts.get(lang) if lang else None
        if shown is None:
            return []
        paras = md_paragraphs(shown)
        if lang != self.lang and paras:
            paras[-1] = Markup(f"{paras[-1]} *({md(self.t('fallback', lang=LANGUAGE_NAMES.get(lang, lang)))})*")
        return paras

    def notes(self, notes) -> list[dict]:
        return [{"text": self.marked(n.text, n.lang), "source": cite(n.span)} for n in notes]

    def eligibility(self, e) -> str:
        if e.everybody:
            return self.t("everybody")
        names = [str(self.text(self.tariff.segment(s).names, s)) if self.tariff.segment(s) else s
                 for s in e.segments]
        return Markup(", ".join(names + [str(md(p)) for p in e.plans]))

    def service(self, name: str) -> str:
        """A service's name on the page: the label of a built-in one, else the declared
        service's name in this language (or as written)."""
        if "svc_" + name in LABELS:
            return self.t("svc_" + name)
        svc = next((x for x in self.tariff.services if x.name == name), None)
        return self.text(svc.names, name) if svc is not None and svc.names else name

    def destination(self, d) -> str:
        if d is None or d.kind == "any":
            return self.t("dest_any")
        if d.kind == "other countries":
            return self.t("dest_other")
        if d.kind == "networks":
            return self.t("dest_networks", names=", ".join(d.names))
        if d.kind == "numbers":
            return self.t("dest_numbers", names=", ".join(d.names))
        return self.t("dest_countries", names=", ".join(self.country(c) for c in d.names))

    def where_label(self, where) -> str:
        if where.network and not where.country:
            return f"MCC {where.network}"
        if where.network:
            net = next((n.name for n in self.tariff.networks if where.network in n.mccmnc), where.network)
            return self.t("where_network", names=net)
        return self.country(where.country) if where.country else self.t("at_home")


# --- the whole site ---------------------------------------------------------------------------

def operator_pages(tariff: Tariff, vectors: dict[str, list[dict]] | None = None) -> dict[str, str]:
    """Every page of one operator: `<lang>/<page>.md` -> Markdown. `vectors`: the operator's
    recorded golden vectors (kind -> vectors, `compiler.vectors.vectors`) the worked examples
    come from; computed here when not given."""
    from compiler import docs_examples, docs_pages

    env = environment()
    files: dict[str, str] = {}
    langs = tariff.operator.languages
    index = docs_examples.of_tariff(tariff, vectors)
    for lang in langs:
        fmt = Format(lang, tariff)
        # our own label, with its code spans; the operator id is a folder name ([a-z0-9_])
        generated = fmt.t("generated", op=tariff.id)
        generated = Markup(generated) if re.fullmatch(r"[a-z0-9_]+", tariff.id) else md(generated)
        built = docs_pages.build(tariff, fmt, index)
        names = [p for p in PAGES if p in built]
        for page in names:
            ctx = built[page]
            links = [{"page": f"{p}.md", "title": built[p]["title"]} for p in names if p != page]
            # the language switcher: the same page in each of the operator's languages
            other = [{"href": f"../{lg}/{page}.md", "name": LANGUAGE_NAMES.get(lg, lg), "lang": lg,
                      "current": lg == lang} for lg in langs] if len(langs) > 1 else []
            files[f"{lang}/{page}.md"] = env.get_template(f"{page}.md.j2").render(
                t=fmt.t, fmt=fmt, op=tariff.operator, lang=lang, pages=links,
                other_languages=other, generated=generated, **ctx)
    return files


def site_pages(tariffs: list[Tariff], docs: Path,
               vectors: dict[str, dict[str, list[dict]]] | None = None,
               ) -> tuple[dict[str, str], dict[str, str]]:
    """(`docs/operators/` tree, single pages under `docs/`) for every operator.

    `vectors`: operator id -> its recorded golden vectors, the build's own (`tariffc build`
    passes the vectors it writes, so the pages' worked examples are those of the same build);
    an operator left out has its vectors computed.

    The navigation (`operators/nav.yml`) lists the hand-written pages found in `docs`
    (language reference, runtime, scenario format, error pages) and every generated page.
    """
    from compiler.docs_api import api_page

    env = environment()
    tree: dict[str, str] = {}
    ops = sorted(tariffs, key=lambda t: t.id)
    built = {}
    for tariff in ops:
        pages = operator_pages(tariff, (vectors or {}).get(tariff.id))
        built[tariff.id] = pages
        for rel, text in pages.items():
            tree[f"{tariff.id}/{rel}"] = text
    tree["index.md"] = env.get_template("operators.md.j2").render(operators=[
        {"id": t.id, "name": t.operator.name,
         "languages": [{"lang": lg, "name": LANGUAGE_NAMES.get(lg, lg)} for lg in t.operator.languages]}
        for t in ops])
    tree["nav.yml"] = navigation(ops, built, docs)
    pages = {"runtime/api.md": api_page()}
    return dict(sorted(tree.items())), pages


_TITLE = re.compile(r"^# (.+)$", re.M)


def _title(text: str, default: str) -> str:
    m = _TITLE.search(text)
    return m[1].strip() if m else default


def navigation(ops: list[Tariff], built: dict[str, dict[str, str]], docs: Path) -> str:
    """The `nav` of mkdocs.yml, as JSON (which is YAML), for `INHERIT`."""

    def glob(folder: str, first: str = "index.md") -> list:
        files = sorted(p.name for p in (docs / folder).glob("*.md")) if (docs / folder).is_dir() else []
        files = [f for f in files if f != "api.md"]
        files.sort(key=lambda f: (f != first, f))
        return [f"{folder}/{f}" for f in files]

    runtime = glob("runtime")
    runtime.append("runtime/api.md")
    nav: list = [{"Home": "index.md"}, {"Getting started": "getting-started.md"},
                 {"Language reference": glob("language")},
                 {"CLI": ["cli.md", "cli-tools.md"] if (docs / "cli-tools.md").is_file() else "cli.md"},
                 {"Runtime API": runtime}]
    if (docs / "scenario.md").is_file():
        nav.append({"Scenario format": "scenario.md"})
    if (docs / "editor.md").is_file():
        nav.append({"Editor support": "editor.md"})
    nav.append({"Errors": glob("errors")})
    operators: list = ["operators/index.md"]
    for t in ops:
        langs = []
        for lang in t.operator.languages:
            entries = []
            for page in PAGES:
                rel = f"{lang}/{page}.md"
                if rel in built[t.id]:
                    entries.append({_title(built[t.id][rel], page): f"operators/{t.id}/{rel}"})
            langs.append({LANGUAGE_NAMES.get(lang, lang): entries})
        operators.append({t.operator.name: langs})
    nav.append({"Operators": operators})
    return ("# Generated by tariffc build: the navigation of the site (mkdocs.yml inherits it).\n"
            + json.dumps({"nav": nav}, ensure_ascii=False, indent=1) + "\n")
