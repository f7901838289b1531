"""The pictures and the navigation aids of the operator pages (issue 12): zone membership,
the bill layout, the language switcher."""

from __future__ import annotations

import re

import attrs
import pytest
from babel import Locale

from compiler import gen_docs
from compiler.docs_pages import bill_layout
from compiler.gen_docs import Format
from compiler.model.common import Texts


@pytest.fixture(scope="module")
def telenor_pages(telenor_tariff):
    return gen_docs.operator_pages(telenor_tariff)


def table_after(page: str, heading: str) -> list[list[str]]:
    """The rows of the first Markdown table after `heading` (header and rule left out)."""
    section = page.split(heading, 1)[1]
    rows = []
    for line in section.splitlines():
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif rows:
            break
    return rows[2:]


def test_zone_membership_lists_every_member_with_its_zone(telenor_tariff, telenor_pages) -> None:
    page = telenor_pages["en/prices.md"].split("## Zone membership", 1)[1]
    english = Locale.parse("en").territories
    for z in telenor_tariff.zones:  # a table per zone, each member once, in spec order
        want = [[f"{english[c]} ({c})".replace("&", "&amp;"), "yes"] for c in z.countries]
        want += [[f"{english[c]} ({c})".replace("&", "&amp;"), "illustrative, not in the seeds"]
                 for c in z.illustrative_countries]
        want += [[f"MCC {m}", "yes"] for m in z.mcc]
        want += [[f"MCC {m}", "illustrative, not in the seeds"] for m in z.illustrative_mcc]
        want += [[n, "yes"] for n in z.networks]
        assert table_after(page, f"### {z.name}\n") == want, z.name
    # seed 004: Germany is one of the Zona 1 countries, Montenegro is in Zona Region
    assert ["Germany (DE)", "illustrative, not in the seeds"] in table_after(page, "### Zona 1\n")
    assert ["Montenegro (ME)", "yes"] in table_after(page, "### Zona Region\n")
    serbian = telenor_pages["sr/prices.md"].split("## Pripadnost zonama", 1)[1]
    assert ["Nemačka (DE)", "ilustrativno, nije u izvoru"] in table_after(serbian, "### Zona 1\n")


def test_bill_layout_shows_each_field_numbered_in_order(telenor_tariff, telenor_pages) -> None:
    (bill,) = telenor_tariff.bills
    page = telenor_pages["en/bill.md"]
    layout = next(line for line in page.splitlines() if line.startswith('<div class="bill-layout"'))
    front, back = layout.split('<div class="bill-sheet">')[1:]
    for side, fields in ((front, bill.front), (back, bill.back)):
        numbers = re.findall(r'<span class="bill-no">(\d+)</span><span class="bill-text">'
                             r'<span class="bill-key">(\w+)</span>', side)
        assert numbers == [(str(f.number), f.key) for f in fields]
    # seed 001, front field 3: the due date
    assert "<span class=\"bill-key\">due_date</span>The due date is the date by which the bill must be paid." in front


def test_bill_layout_escapes_spec_text(telenor_tariff) -> None:
    (bill,) = telenor_tariff.bills
    field = attrs.evolve(bill.front[0], key="owner", texts=Texts((("en", "<script>x</script> & *y*"),)))
    html = str(bill_layout(attrs.evolve(bill, front=(field,), back=()), Format("en", telenor_tariff)))
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt; &amp; *y*" in html
    assert "\n\n" not in html  # one HTML block: Markdown does not reach inside


def test_language_switcher_links_the_same_page_in_every_language(telenor_tariff, telenor_pages) -> None:
    for rel, text in telenor_pages.items():
        lang, page = rel.split("/")
        line = next(x for x in text.splitlines() if x.startswith(("Languages:", "Jezici:")))
        assert text.splitlines()[text.splitlines().index(line) + 1] == "{: .lang-switch }"
        names = {"sr": "Srpski", "en": "English"}
        for other in telenor_tariff.operator.languages:
            if other == lang:
                assert f"**{names[other]}**" in line
            else:
                assert f"[{names[other]}](../{other}/{page}){{ hreflang={other} }}" in line
                assert f"{other}/{page}" in telenor_pages


def test_a_single_language_operator_has_no_switcher(telenor_tariff) -> None:
    one = attrs.evolve(telenor_tariff, operator=attrs.evolve(telenor_tariff.operator, languages=("en",)))
    pages = gen_docs.operator_pages(one)
    assert not any(".lang-switch" in text for text in pages.values())


def test_vendored_mermaid_must_be_the_pinned_file(tmp_path, monkeypatch) -> None:
    from compiler import docs_assets

    fake = tmp_path / "mermaid.min.js"
    fake.write_text("globalThis.mermaid = {}", encoding="utf-8")
    monkeypatch.setenv("TARIFFC_MERMAID_JS", str(fake))
    with pytest.raises(docs_assets.VendorError, match="is not mermaid 11.12.2"):
        docs_assets.mermaid_js()


def test_only_pages_with_a_diagram_load_mermaid_before_the_theme() -> None:
    from types import SimpleNamespace

    from compiler.docs_assets import on_post_page

    bundle = '<script src="../../assets/javascripts/bundle.a5f9d56c.min.js"></script>'
    page = SimpleNamespace(url="operators/telenor_rs/en/family/")
    with_diagram = f'<pre class="mermaid"><code>stateDiagram-v2</code></pre>{bundle}</body>'
    out = on_post_page(with_diagram, page, {})
    # four levels down (operators/telenor_rs/en/family/) to the site's js/
    assert out.index('<script src="../../../../js/mermaid.min.js"></script>') < out.index(bundle)
    plain = f"<p>no diagram</p>{bundle}</body>"
    assert on_post_page(plain, page, {}) == plain
