"""tariffc's compiler: from syntax tree to checked model to backends.

    specs/<operator>/*.tariff
        │  dsl.parser          text -> syntax tree (dsl.ast), syntax diagnostics
        ▼
    dsl.ast.File ...
        │  compiler.check      names resolved, units and shapes checked, diagnostics
        ▼
    compiler.model.Tariff      one immutable, resolved model per operator
        │
        ├─ compiler.gen_python  -> generated/<operator>/  runtime module   (issue 3)
        ├─ compiler.vectors     -> golden test vectors                     (issue 4)
        └─ compiler.gen_docs    -> Markdown pages for mkdocs               (issue 5)
                                   (worked examples read the build's vectors)

Every generator consumes only `compiler.model`; none looks at the syntax tree.
"""
