"""`tariffc lsp`: a language server for `.tariff` specs (pygls, over stdio).

    editor text --(analysis: parse + check the operator folder)--> Analysis
        --> diagnostics (the checker's, every error of every file, code and help)
        --> features: hover, completion, definition, document symbols, formatting

- `analysis`: one operator folder checked as `tariffc check` does, with the editor's unsaved
  text in place of the file on disk for open documents; the declared names with their spans,
  the syntax trees, the (partial) model, and the node or name under a position;
- `features`: the answers to the editor's requests, built from an `Analysis` (hover reuses the
  rendered operator pages of `compiler.gen_docs`: the docs line that cites the spec line);
- `server`: the pygls wiring (imported only by `tariffc lsp`, so `tariffc check` stays fast).
"""
