"""The documentation site (issue 5): generated operator pages, escaping, mkdocs, the lexer."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import markdown
import pytest
from babel.numbers import format_decimal

from compiler import build, gen_docs
from compiler.check import check_paths, check_text
from compiler.gen_docs import LOCALES

ROOT = Path(__file__).resolve().parents[2]
MD_EXTENSIONS = ["tables", "fenced_code", "toc"]


@pytest.fixture(scope="module")
def tariffs():
    result = check_paths([str(ROOT / "specs")])
    assert not result.errors
    return {t.id: t for t in result.tariffs}


@pytest.fixture(scope="module")
def site(tariffs):
    """`docs/operators/` as built in memory: relative path -> Markdown."""
    tree, _ = gen_docs.site_pages(list(tariffs.values()), ROOT / "docs")
    return tree


def text_of(page: str) -> str:
    """What a reader sees: the page rendered as mkdocs does, tags removed, entities decoded."""
    rendered = markdown.markdown(page, extensions=MD_EXTENSIONS)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


def money(amount, currency: str, lang: str) -> str:
    return format_decimal(amount, "#,##0.00", locale=LOCALES[lang], decimal_quantization=False) + " " + currency


def test_locale_money_format() -> None:
    from decimal import Decimal
    assert money(Decimal("1524.40"), "RSD", "sr") == "1.524,40 RSD"
    assert money(Decimal("1524.40"), "RSD", "en") == "1,524.40 RSD"


def test_one_page_set_per_declared_language(site, tariffs) -> None:
    for t in tariffs.values():
        for lang in t.operator.languages:
            assert f"{t.id}/{lang}/index.md" in site


def test_every_model_item_is_on_its_page_in_the_page_locale(site, tariffs) -> None:
    for t in tariffs.values():
        cur = t.operator.currency
        for lang in t.operator.languages:
            page = {name: text_of(site[f"{t.id}/{lang}/{name}.md"])
                    for name in gen_docs.PAGES if f"{t.id}/{lang}/{name}.md" in site}
            for z in t.zones:
                assert z.name in page["prices"], (lang, z.name)
            for pl in t.price_lists:
                assert pl.name in page["prices"]
                for r in pl.rates:
                    for p in (r.price, r.first_price):
                        if p is not None:
                            assert money(p.amount, cur, lang) in page["prices"], (lang, p)
            for n in t.networks:
                assert n.name in page["networks"]
                for prefix in n.numbers + n.not_numbers + n.mccmnc:
                    assert prefix in page["networks"]
            for p in t.passes:
                assert p.name in page["passes"] and money(p.price.amount, cur, lang) in page["passes"]
            for c in t.codes:
                assert c.pattern in page["codes"], (lang, c.pattern)
                if c.price is not None and not c.price.is_free:
                    assert money(c.price.amount, cur, lang) in page["codes"]
            for n in t.service_numbers:
                assert n.number in page["sms"]
                if not n.price.is_free:
                    assert money(n.price.amount, cur, lang) in page["sms"]
            for c in t.sms_commands:
                assert c.pattern in page["sms"] and (c.keyword in page["sms"])
            for f in t.families:
                assert money(f.fee.amount, cur, lang) in page["family"]
                for rule in f.rules:
                    assert rule.id in page["family"]
                    shown = rule.texts.get(lang) or rule.texts.get(t.operator.default_language) or rule.texts.items[0][1]
                    assert " ".join(shown.split()) in page["family"]
                for tier in f.tiers:
                    assert gen_docs.Format(lang, t).percent(tier.percent) in page["family"]
            for b in t.bills:
                for field in b.front + b.back:
                    assert field.key in page["bill"]
                for cat in b.one_time:
                    assert cat.name in page["bill"]


def test_every_note_is_shown(site, tariffs) -> None:
    """Each reading of the seeds appears on some page of every language."""
    for t in tariffs.values():
        for lang in t.operator.languages:
            everything = " ".join(text_of(v) for k, v in site.items() if k.startswith(f"{t.id}/{lang}/"))
            notes = list(t.operator.notes)
            for group in (t.segments, t.zones, t.networks, t.price_lists, t.passes, t.codes, t.sms_commands,
                          t.service_numbers, t.calls, t.web_channels, t.families, t.bills,
                          t.billing_windows, t.notifications):
                notes += [n for item in group for n in item.notes]
            for n in notes:
                assert " ".join(n.text.split()) in everything, n.text[:60]


def test_worked_example_from_the_vectors(site) -> None:
    # seed 004: Zona 1 calls cost 119,90 RSD/min, charged 60/60: 61 s -> 2 min -> 239,80 RSD
    sr = text_of(site["telenor_rs/sr/prices.md"])
    en = text_of(site["telenor_rs/en/prices.md"])
    assert "2 × 119,90 RSD/min = 239,80 RSD" in sr
    assert "2 × 119.90 RSD/min = 239.80 RSD" in en
    line = next(x for x in en.splitlines() if "239.80 RSD (" in x)
    assert "specs/telenor_rs/roaming.tariff:70" in line
    assert "vector generated/telenor_rs/vectors/rating_zones.json › Zona 1 outgoing call › " in line


@pytest.fixture(scope="module")
def recorded(tariffs):
    """operator -> (file -> {vector name: vector}), the vectors the build writes."""
    from compiler import vectors
    return {op: {f"generated/{op}/vectors/{kind}.json": {v["name"]: v for v in vs}
                 for kind, vs in vectors.vectors(t).items()} for op, t in tariffs.items()}


QUOTED = re.compile(r"[“„«](.*?)[”“»]")


def example_lines(page: str) -> list[str]:
    """The worked examples of a page as a reader sees them, one per line."""
    text = text_of(page)
    heads = [gen_docs.label("examples", lg) + "." for lg in LOCALES]
    out, inside = [], False
    for line in text.splitlines():
        if any(line.startswith(h) for h in heads):
            inside = True
        elif inside and line.strip() and "(specs/" in line:
            out.append(line)
        elif inside and line.strip():
            inside = False
    return out


def test_every_worked_example_matches_its_vector(site, tariffs, recorded) -> None:
    """Each example names a vector event of the build, and what it says is what the vector
    expects: the charge, the units billed, the reply, the pass's end, the bill's period, the
    group's bonus, a transfer accepted or refused, a request deferred or answered."""
    from compiler.docs_examples import parse_ref
    seen = 0
    for rel, page in site.items():
        if not rel.endswith(".md") or rel.count("/") != 2:
            continue
        op, lang, name_md = rel.split("/")
        kind = name_md[:-3]
        t, fmt = tariffs[op], gen_docs.Format(lang, tariffs[op])
        cur = t.operator.currency
        for line in example_lines(page):
            refs = parse_ref(line)
            assert len(refs) == 1, f"{rel}: an example without its vector: {line}"
            file, name, indexes = refs[0]
            vector = recorded[op][file][name]
            events = [vector["events"][i] for i in indexes]
            expect = events[0]["expect"]
            data = expect.get("data") or {}
            seen += 1
            if f" {cur}" in line.split("(specs/")[0] and "error" not in expect:
                assert money(Decimal(expect["charge"]), cur, lang) in line, (rel, line, expect)
            if kind == "prices" and "billed" in data and data.get("unit") in ("s", "KB"):
                assert fmt.integer(data["billed"]) in line, (rel, line)
            for quoted in QUOTED.findall(line.split("(specs/")[0]):
                texts = [r["text"] if isinstance(r, dict) else r
                         for r in expect.get("reply_contains", ())]
                if "period" in data:
                    assert quoted == data["period"], (rel, line)
                else:
                    assert quoted in texts or quoted == events[0].get("sms", {}).get("text"), \
                        (rel, line, texts)
            if kind == "passes":
                when = dt.datetime.fromisoformat(data["expires"])
                shown = fmt.datetime(when, ZoneInfo(t.operator.timezone))
                assert " ".join(shown.split()) in line, (rel, line)  # pages collapse spaces
            if (data.get("group") or {}).get("status") == "active" and "%" in line:
                g = data["group"]
                assert fmt.percent(Decimal(g["percent"])) in line and fmt.integer(g["size"]) in line
            if data.get("action") == "family_transfer":
                mb = int(re.search(r"(\d+)\s*MB", events[0]["sms"]["text"])[1])
                key = "ex_transfer_ok" if expect["ok"] else "ex_transfer_no"
                assert fmt.t(key, amount=fmt.kb(mb * 1024)) in line, (rel, line)
            if len(events) == 2:  # a deferred request, then the same one answered at once
                assert "deferred_to" in data and "deferred_to" not in events[1]["expect"]["data"]
                assert data["window"] in line
    assert seen >= 100, seen


def test_a_worked_example_that_differs_from_its_vector_fails(site, tariffs, recorded) -> None:
    wrong = {k: v.replace("239.80 RSD", "239.81 RSD") for k, v in site.items()}
    with pytest.raises(AssertionError, match="239.80 RSD"):
        test_every_worked_example_matches_its_vector(wrong, tariffs, recorded)


HOSTILE = ["<script>alert(1)</script>", "a | b | c", "*bold* _it_ **x**",
           "[x](javascript:alert(1))", "`code` and ``two``", "<img src=x onerror=alert(1)>",
           "# heading", "- item"]


def hostile_spec() -> str:
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f'''operator hostile {{
  name {q(HOSTILE[0])}
  country RS
  currency RSD
  timezone "Europe/Belgrade"
  languages sr en
  numbers decimal comma
  about en {q(" ".join(HOSTILE))}
  note en {q(HOSTILE[3])}
}}

segment postpaid {{
  name sr {q(HOSTILE[1])} en {q(HOSTILE[2])}
  plans {", ".join(q(h) for h in HOSTILE)}
}}

code *100# {{
  title en {q(HOSTILE[4])} sr {q(HOSTILE[5])}
  for postpaid
  action status
  reply ussd
  text sr {q(HOSTILE[6])} en {q(HOSTILE[7])}
  price free
  note sr {q(HOSTILE[0])}
}}
'''


def test_spec_text_cannot_inject_markup() -> None:
    tariff, diags = check_text(hostile_spec(), "hostile.tariff")
    assert tariff is not None, [str(d) for d in diags]
    pages = gen_docs.operator_pages(tariff)
    for rel, page in pages.items():
        rendered = markdown.markdown(page, extensions=MD_EXTENSIONS)
        assert "<script" not in rendered and "<img" not in rendered, rel
        assert 'href="javascript' not in rendered, rel
        assert "<strong>bold" not in rendered and "<em>bold" not in rendered, rel
    for lang in ("sr", "en"):
        shown = text_of(pages[f"{lang}/index.md"]) + text_of(pages[f"{lang}/codes.md"])
        for text in HOSTILE:
            assert text in shown, (lang, text)
        # a pipe in a text does not add table cells
        rendered = markdown.markdown(pages[f"{lang}/index.md"], extensions=MD_EXTENSIONS)
        for row in re.findall(r"<tr>.*?</tr>", rendered, re.S):
            if "postpaid" in row:
                assert row.count("<td") == 4


def test_build_is_deterministic_and_committed_pages_are_fresh(tmp_path) -> None:
    specs = "specs" if Path("specs").is_dir() else str(ROOT / "specs")  # citations are cwd-relative
    first = build.generate(specs, ROOT / "docs")
    second = build.generate(specs, ROOT / "docs")
    assert first.docs == second.docs and first.pages == second.pages
    stale = [p for p in build.stale_outputs(first, ROOT / "generated", ROOT / "docs")
             if ROOT / "generated" not in p.parents]
    assert stale == [], \
        "run `tariffc build` and commit docs/operators/ and docs/runtime/api.md"
    build.write_outputs(first, tmp_path / "gen", tmp_path / "docs")
    assert build.stale_outputs(first, tmp_path / "gen", tmp_path / "docs") == []


def test_tariff_lexer_is_registered() -> None:
    from pygments.lexers import get_lexer_by_name
    from pygments.token import Error

    lexer = get_lexer_by_name("tariff")
    for spec in sorted((ROOT / "specs").rglob("*.tariff")):
        tokens = list(lexer.get_tokens(spec.read_text(encoding="utf-8")))
        assert not [v for t, v in tokens if t is Error], spec


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    """The site built by `mkdocs build --strict` (skipped without mkdocs)."""
    local = Path(sys.executable).with_name("mkdocs")
    mkdocs = str(local) if local.exists() else shutil.which("mkdocs")
    if mkdocs is None:
        pytest.skip("mkdocs is not installed (pip install -e '.[dev]')")
    out = tmp_path_factory.mktemp("site") / "site"
    proc = subprocess.run([mkdocs, "build", "--strict", "-q", "-d", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return out


def test_mkdocs_build_strict(built_site) -> None:
    for op, langs in (("telenor_rs", ("sr", "en")), ("azercell", ("az", "en", "ru"))):
        for lang in langs:
            assert (built_site / "operators" / op / lang / "index.html").is_file()
    page = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'class="highlight"' in page and '<span class="k">pass</span>' in page


def _browser_check():
    sys.path.insert(0, str(Path(__file__).parent))
    import browser_check

    why = browser_check.unavailable()
    if why:
        pytest.skip(f"browser check skipped: {why}")
    return browser_check


def test_site_in_a_browser(built_site) -> None:
    """Issue 12: every operator page in headless Chromium (desktop and phone), no console
    error, no broken internal link, every diagram drawn, search finds `Zona 1` and `TPP1`;
    screenshots go to artifacts/screenshots/ ($TARIFFC_SCREENSHOTS). See browser_check.py."""
    browser_check = _browser_check()
    report = browser_check.check(built_site, browser_check.screenshots_dir())
    print(report.summary())
    assert not report.problems, "\n".join(report.problems)
    # every generated operator page was opened: docs/operators/**/*.md, one page each
    assert len(report.pages) == len(list((ROOT / "docs" / "operators").rglob("*.md")))
    # the diagrams: one family group (telenor en, sr) + four pass pictures per language (2 x 5)
    assert report.diagrams == 10
    assert set(report.searches) == {"Zona 1", "TPP1"}
    assert [p.name for p in report.screenshots] == [
        "search-zona-1.png", "family-diagram.png", "bill-layout.png", "zones-phone.png"]
    assert all(p.stat().st_size > 10_000 for p in report.screenshots)


def test_the_browser_check_finds_what_it_looks_for(tmp_path) -> None:
    """Each check can fail: a page with a console error, a missing image, a broken link, a
    link to a missing id and content wider than a phone."""
    browser_check = _browser_check()
    page = tmp_path / "operators" / "x" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<html><body><h1 id="top">x</h1><a href="/missing/">a</a> <a href="#top">b</a>'
                    ' <a href="#nope">c</a> <img src="/gone.png"><div style="width:2000px">wide</div>'
                    '<script>console.error("boom")</script></body></html>', encoding="utf-8")
    report = browser_check.Report(pages=["operators/x/"])
    server, base = browser_check.serve(tmp_path)
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_check.find_chromium(),
                                        args=browser_check.ARGS)
            browser_check.check_pages(tmp_path, base, browser, report)
            browser.close()
    finally:
        server.shutdown()
    found = "\n".join(report.problems)
    assert "console error: boom" in found
    assert "HTTP error: 404" in found and "/gone.png" in found
    assert "broken link" in found and "/missing/" in found
    assert "no id 'nope'" in found and "no id 'top'" not in found
    assert "on a 390 px phone the page is" in found
    assert report.links == 3


def test_without_a_vector_an_example_says_it_is_worked_from_the_rule(tariffs) -> None:
    """Built with no vectors, the bill's period examples (seed 001: activated 17 January 2013,
    the period reads 17.01.2013. - 31.01.2013.) are worked from the spec's rule and say so."""
    pages = gen_docs.operator_pages(tariffs["telenor_rs"], vectors={})
    bill = text_of(pages["en/bill.md"])
    assert "“17.01.2013. - 31.01.2013.”" in bill
    assert "worked from the spec's rule: no vector shows it" in bill
    assert "vector generated/" not in bill
