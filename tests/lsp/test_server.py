"""`tariffc lsp` driven through the Language Server Protocol (issue 12), as an editor drives it:
a subprocess spoken to over stdio in JSON-RPC (tests/lsp/rpc.py). The operator folder is a
copy of specs/telenor_rs, so edits never touch the shipped specs.

Positions are found by searching the spec text, and the expected answers are derived from the
spec lines themselves (the line a zone is declared on, the price written in its cell).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.lsp.rpc import Client

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "specs" / "telenor_rs"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lsp")
    shutil.copytree(SPECS, root / "telenor_rs")
    return root / "telenor_rs"


@pytest.fixture(scope="module")
def client(folder):
    c = Client(folder.parent)
    init = c.result("initialize", {"processId": None, "rootUri": folder.parent.as_uri(),
                                   "capabilities": {}})
    c.capabilities = init["capabilities"]
    c.notify("initialized", {})
    yield c
    c.close()


def where(text: str, needle: str, nth: int = 0, offset: int = 0) -> dict:
    """The LSP position of the `nth` occurrence of `needle` (plus `offset` characters)."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += offset
    line = text.count("\n", 0, at)
    return {"line": line, "character": at - (text.rfind("\n", 0, at) + 1)}


def line_of(text: str, needle: str) -> int:
    """The 1-based line the first `needle` is on."""
    return text.count("\n", 0, text.index(needle)) + 1


class Doc:
    """An open document of the client."""

    def __init__(self, client: Client, path: Path, text: str | None = None) -> None:
        self.client, self.uri = client, path.as_uri()
        self.text = path.read_text(encoding="utf-8") if text is None else text
        self.version = 1
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": self.uri, "languageId": "tariff", "version": 1, "text": self.text}})

    def change(self, text: str) -> None:
        self.version += 1
        self.text = text
        self.client.notify("textDocument/didChange", {
            "textDocument": {"uri": self.uri, "version": self.version},
            "contentChanges": [{"text": text}]})

    def ask(self, method: str, pos: dict | None = None, **extra):
        params = {"textDocument": {"uri": self.uri}, **extra}
        if pos is not None:
            params["position"] = pos
        return self.client.result(method, params)

    def close(self) -> None:
        self.client.notify("textDocument/didClose", {"textDocument": {"uri": self.uri}})


def test_initialize_announces_every_feature(client):
    caps = client.capabilities
    assert caps["textDocumentSync"]["change"] == 1  # full text on every change
    for feature in ("hoverProvider", "completionProvider", "definitionProvider",
                    "documentSymbolProvider", "documentFormattingProvider"):
        assert caps.get(feature), feature


def test_good_file_has_no_diagnostics(client, folder):
    doc = Doc(client, folder / "roaming.tariff")
    try:
        assert client.diagnostics(doc.uri) == []
    finally:
        doc.close()


def test_change_reports_every_error_with_code_range_and_help(client, folder):
    doc = Doc(client, folder / "passes.tariff")
    try:
        assert client.diagnostics(doc.uri) == []
        good = doc.text
        # two references to networks that do not exist, in the unsaved text
        bad = good.replace('where network "Telenor Crna Gora"', 'where network "Telenor Crna Goraa"', 1)
        bad = bad.replace('to networks "Telenor Srbija"', 'to networks "Telenor Srbjia"', 1)
        assert bad.count("Goraa") == 1 and bad.count("Srbjia") == 1
        doc.change(bad)
        diags = client.diagnostics(doc.uri)
        assert [d["code"] for d in diags] == ["T0101", "T0101"]
        first, second = diags
        quote = where(bad, '"Telenor Crna Goraa"')
        assert first["range"]["start"] == quote
        # the string `"Telenor Crna Goraa"` is 20 characters long
        assert first["range"]["end"] == {"line": quote["line"], "character": quote["character"] + 20}
        assert "unknown network `Telenor Crna Goraa`" in first["message"]
        assert "help: did you mean `Telenor Crna Gora`?" in first["message"]
        assert first["data"]["help"].startswith("did you mean `Telenor Crna Gora`?")
        assert first["severity"] == 1 and first["source"] == "tariffc"
        assert first["codeDescription"]["href"].endswith("docs/errors/T0101.md")
        assert second["range"]["start"] == where(bad, '"Telenor Srbjia"')
        assert "did you mean `Telenor Srbija`?" in second["message"]
        doc.change(good)  # fixed: the diagnostics go away
        assert client.diagnostics(doc.uri) == []
    finally:
        doc.close()


def test_unsaved_edit_marks_the_other_files_of_the_operator(client, folder):
    """passes.tariff (not open, read from disk) uses the network roaming.tariff declares: a
    rename in roaming.tariff's unsaved text breaks passes.tariff at once; undoing it clears."""
    passes_uri = (folder / "passes.tariff").as_uri()
    passes = (folder / "passes.tariff").read_text(encoding="utf-8")
    doc = Doc(client, folder / "roaming.tariff")
    try:
        assert client.diagnostics(doc.uri) == []
        good = doc.text
        doc.change(good.replace('network "Telenor Crna Gora" {', 'network "Telenor CG" {', 1))
        diags = client.diagnostics(passes_uri)
        uses = (passes.count('network "Telenor Crna Gora"')
                + passes.count('networks "Telenor Srbija", "Telenor Crna Gora"'))
        assert uses >= 2
        unknown = [d for d in diags if "unknown network `Telenor Crna Gora`" in d["message"]]
        assert len(unknown) == uses and {d["code"] for d in unknown} == {"T0101"}
        assert unknown[0]["range"]["start"] == where(passes, '"Telenor Crna Gora"')
        assert "help: known networks: `Telenor CG`, `Telenor Srbija`" in unknown[0]["message"]
        doc.change(good)
        assert client.diagnostics(passes_uri) == []
    finally:
        doc.close()


def test_file_with_syntax_errors(client, tmp_path):
    path = tmp_path / "demo" / "operator.tariff"
    path.parent.mkdir()
    text = ('operator demo {\n'
            '  name "Demo\n'          # line 2: a text never closed
            '  currency RSD\n'
            '}\n'
            '}\n')                    # line 5: nothing to close
    path.write_text("", encoding="utf-8")  # the editor's text is not saved yet
    doc = Doc(client, path, text)
    try:
        diags = client.diagnostics(doc.uri)
        codes = [d["code"] for d in diags]
        assert "T0002" in codes and "T0004" in codes
        unclosed = next(d for d in diags if d["code"] == "T0002")
        assert unclosed["range"]["start"] == {"line": 1, "character": 7}  # the `"` of line 2
        assert "help: add a closing `\"`" in unclosed["message"]
        stray = next(d for d in diags if d["code"] == "T0004")
        assert stray["range"]["start"] == {"line": 4, "character": 0}
        # the other features still answer on a broken file (`ask` fails on an error reply)
        doc.ask("textDocument/hover", {"line": 2, "character": 4})
        assert doc.ask("textDocument/documentSymbol")[0]["name"] == "operator demo"
        assert doc.ask("textDocument/formatting", options={"tabSize": 2, "insertSpaces": True}) is None
        assert isinstance(doc.ask("textDocument/completion", {"line": 2, "character": 2}), dict)
    finally:
        doc.close()


def _hover(doc: Doc, needle: str, nth: int = 0, offset: int = 1) -> str:
    result = doc.ask("textDocument/hover", where(doc.text, needle, nth, offset))
    assert result is not None, needle
    assert result["contents"]["kind"] == "markdown"
    return result["contents"]["value"]


def test_hover_on_a_zone_in_a_price_table(client, folder):
    doc = Doc(client, folder / "roaming.tariff")
    try:
        declared = line_of(doc.text, 'zone "Zona 1"')
        text = _hover(doc, "| Zona 1 ", offset=3)
        assert f"**zone** `Zona 1` · declared at roaming.tariff:{declared}" in text
        assert "A roaming zone." in text  # the model's meaning of a zone
        # the docs line: the row of the rendered zones table citing the declaration line
        assert "In the docs (docs/operators/telenor_rs/en/prices.md)" in text
        row = next(ln for ln in text.split("\n") if ln.startswith("| Zona 1 "))
        assert f"roaming.tariff:{declared}</code>" in row
        assert "Germany (DE)" in row  # `illustrative countries AT, DE, ...`
    finally:
        doc.close()


def test_hover_on_a_price_cell(client, folder):
    doc = Doc(client, folder / "roaming.tariff")
    try:
        # the Zona 1 row, first price column (outgoing call): 119,90 RSD/min at 60/60
        row = doc.text.index("| Zona 1   ")
        cell = doc.text.index("119,90", row)
        line = doc.text.count("\n", 0, cell)
        pos = {"line": line, "character": cell - (doc.text.rfind("\n", 0, cell) + 1) + 2}
        result = doc.ask("textDocument/hover", pos)
        text = result["contents"]["value"]
        assert "**price** `119,90`" in text
        assert "Outgoing call in `Zona 1`: 119.90 RSD/min, interval 60/60" in text
        assert f"roaming.tariff:{line + 1}</code>" in text  # the docs row of this spec line
        assert result["range"]["start"] == pos | {"character": pos["character"] - 2}
    finally:
        doc.close()


def test_hover_on_a_pass_and_a_code(client, folder):
    passes = Doc(client, folder / "passes.tariff")
    codes = Doc(client, folder / "codes.tariff")
    try:
        text = _hover(passes, "| Putni paket 1 ", offset=4)
        declared = line_of(passes.text, "| Putni paket 1 ")
        assert f"**pass** `Putni paket 1` · declared at passes.tariff:{declared}" in text
        assert "1,524.40 RSD, valid 90 days" in text  # `1.524,40 RSD`, `valid 90 days`
        assert "docs/operators/telenor_rs/en/passes.md" in text

        text = _hover(codes, "code *311#", offset=6)
        assert f"**code** `*311#` · declared at codes.tariff:{line_of(codes.text, 'code *311#')}" in text
        assert "action `status`, price free" in text
        assert "Status query over USSD code" in text  # its docs row shows its title
    finally:
        passes.close()
        codes.close()


def test_completion_offers_declared_names_services_units_and_keywords(client, folder):
    doc = Doc(client, folder / "passes.tariff")
    try:
        result = doc.ask("textDocument/completion", where(doc.text, "  where network", offset=2))
        items = {i["label"]: i for i in result["items"]}
        for name in ("Zona 1", "Zona Region", "Telenor Crna Gora", "Putni paket 1", "Dnevna karta",
                     "*311#", "outgoing call", "data", "RSD", "MB", "kbps", "roaming prices",
                     "valid", "where"):
            assert name in items, name
        assert items["Zona 1"]["detail"].startswith("zone · roaming.tariff:")
        assert items["Telenor Crna Gora"]["insertText"] == '"Telenor Crna Gora"'
        assert items["outgoing call"]["detail"] == "service"
        # after `where network "`: the networks first, in the string without quotes
        pos = where(doc.text, 'where network "Telenor Crna Gora"', offset=len('where network "'))
        items = {i["label"]: i for i in doc.ask("textDocument/completion", pos)["items"]}
        assert items["Telenor Crna Gora"]["sortText"] < items["Zona 1"]["sortText"]
        assert items["Telenor Srbija"]["sortText"] < items["valid"]["sortText"]
        assert items["Telenor Crna Gora"]["insertText"] == "Telenor Crna Gora"
    finally:
        doc.close()


def test_definition_across_the_files_of_the_operator(client, folder):
    doc = Doc(client, folder / "passes.tariff")
    try:
        loc = doc.ask("textDocument/definition", where(doc.text, 'where network "Telenor Crna Gora"',
                                                        offset=20))
        roaming = (folder / "roaming.tariff").read_text(encoding="utf-8")
        assert loc["uri"] == (folder / "roaming.tariff").as_uri()
        assert loc["range"]["start"] == where(roaming, 'network "Telenor Crna Gora" {', offset=8)
    finally:
        doc.close()


def test_document_symbols(client, folder):
    doc = Doc(client, folder / "roaming.tariff")
    try:
        symbols = doc.ask("textDocument/documentSymbol")
        names = [s["name"] for s in symbols]
        assert names[:2] == ['zone "Zona Region"', 'zone "Zona 1"']
        assert 'roaming prices "Standardna roming tarifa"' in names
        assert len(names) == doc.text.count("\n}")  # one per top-level block
        zona1 = symbols[1]
        assert zona1["range"]["start"]["line"] == line_of(doc.text, 'zone "Zona 1"') - 1
        assert zona1["selectionRange"]["start"] == where(doc.text, '"Zona 1" {')
    finally:
        doc.close()


def test_formatting_is_tariffc_fmt(client, folder):
    canonical = (folder / "codes.tariff").read_text(encoding="utf-8")
    messy = canonical.replace("  for postpaid\n", "      for    postpaid\n", 1)
    assert messy != canonical
    doc = Doc(client, folder / "codes.tariff", messy)
    try:
        options = {"tabSize": 2, "insertSpaces": True}
        edits = doc.ask("textDocument/formatting", options=options)
        assert len(edits) == 1
        assert edits[0]["range"]["start"] == {"line": 0, "character": 0}
        assert edits[0]["newText"] == canonical  # the shipped spec is canonical (CI's fmt --check)
        doc.change(canonical)
        assert doc.ask("textDocument/formatting", options=options) == []
    finally:
        doc.close()


def test_without_pygls_lsp_says_how_to_install_it():
    import subprocess
    import sys

    code = ("import sys; sys.modules['pygls'] = None\n"  # as if pygls were not installed
            "from compiler.cli import main; sys.exit(main(['lsp']))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=REPO)
    assert run.returncode == 2
    assert "needs pygls" in run.stderr and "pip install 'tariffc[lsp]'" in run.stderr


def test_closing_an_unsaved_edit_goes_back_to_the_file_on_disk(client, folder):
    doc = Doc(client, folder / "codes.tariff")
    try:
        assert client.diagnostics(doc.uri) == []
        doc.change(doc.text.replace("action status", "action statuss", 1))
        assert [d["code"] for d in client.diagnostics(doc.uri)] != []
    finally:
        doc.close()  # the edit was never saved: the file on disk has no error
    assert client.diagnostics(doc.uri) == []


def test_a_file_changed_on_disk_is_checked_again(client, folder):
    doc = Doc(client, folder / "roaming.tariff")
    family = folder / "family.tariff"
    saved = family.read_text(encoding="utf-8")
    try:
        assert client.diagnostics(doc.uri) == []
        family.write_text(saved.replace("family ", "familly ", 1), encoding="utf-8")
        client.notify("workspace/didChangeWatchedFiles",
                      {"changes": [{"uri": family.as_uri(), "type": 2}]})
        diags = client.diagnostics(family.as_uri())
        assert [(d["code"], d["range"]["start"]) for d in diags] == \
            [("T0103", where(saved, 'family "Telenor Porodica"'))]
        assert "unknown keyword `familly`" in diags[0]["message"]
    finally:
        family.write_text(saved, encoding="utf-8")
        client.notify("workspace/didChangeWatchedFiles",
                      {"changes": [{"uri": family.as_uri(), "type": 2}]})
        doc.close()
    assert client.diagnostics(family.as_uri()) == []
