// Tokenise .tariff files with VS Code's own TextMate engine (vscode-textmate + Oniguruma) and
// print [file, line, start, end, innermost scope] for every scoped token, as JSON. Used by
// tests/lsp/test_textmate.py when `npm install` has been run in this folder.
//   node verify-grammar.js syntaxes/tariff.tmLanguage.json FILE...
"use strict";

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const wasm = fs.readFileSync(path.join(path.dirname(require.resolve("vscode-oniguruma")), "onig.wasm")).buffer;
const onigLib = oniguruma.loadWASM(wasm).then(() => ({
  createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
  createOnigString: (s) => new oniguruma.OnigString(s),
}));
const registry = new vsctm.Registry({
  onigLib,
  loadGrammar: async () => vsctm.parseRawGrammar(fs.readFileSync(process.argv[2], "utf8"), "grammar.json"),
});

registry.loadGrammar("source.tariff").then((grammar) => {
  const out = [];
  for (const file of process.argv.slice(3)) {
    let stack = vsctm.INITIAL;
    fs.readFileSync(file, "utf8").split("\n").forEach((line, ln) => {
      const r = grammar.tokenizeLine(line, stack);
      for (const t of r.tokens) {
        const scopes = t.scopes.filter((s) => s !== "source.tariff");
        if (scopes.length) out.push([file, ln, t.startIndex, Math.min(t.endIndex, line.length), scopes[scopes.length - 1]]);
      }
      stack = r.ruleStack;
    });
  }
  process.stdout.write(JSON.stringify(out));
});
