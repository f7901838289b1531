"""The parser: every construct gives the right nodes; every syntax error its code and place."""

from __future__ import annotations

import pytest

from dsl import ast
from dsl.ast import Block, Pair, Quantity, Stmt, Table
from dsl.parser import parse


def ok(text: str) -> ast.File:
    f, diags = parse(text, "t.tariff")
    assert diags == [], [(d.code, d.message) for d in diags]
    return f


def only_stmt(text: str) -> Stmt:
    f = ok(text)
    assert len(f.items) == 1 and type(f.items[0]) is Stmt
    return f.items[0]


def args(text: str) -> list:
    return list(only_stmt(text).args)


# --- good snippets ---------------------------------------------------------------------

def test_statement_keyword_and_args_with_spans():
    s = only_stmt("currency RSD\n")
    assert s.keyword.text == "currency"
    assert [(a.kind, a.text) for a in s.args] == [("WORD", "RSD")]
    assert s.span == ast.Span("t.tariff", 1, 1, 1, 13)
    assert s.args[0].span == ast.Span("t.tariff", 1, 10, 1, 13)


def test_block_with_args_and_nested_items():
    f = ok('zone "Zona 1" {\n  countries AT, DE\n  inner {\n    x 1\n  }\n}\n')
    (b,) = f.items
    assert type(b) is Block and b.keyword.text == "zone"
    assert [(a.kind, a.value) for a in b.args] == [("STRING", "Zona 1")]
    assert [type(i) for i in b.items] == [Stmt, Block]
    assert [a.kind for a in b.items[0].args] == ["WORD", "COMMA", "WORD"]
    assert b.items[1].items[0].keyword.text == "x"
    assert (b.span.line, b.span.col, b.span.end_line, b.span.end_col) == (1, 1, 6, 2)
    assert b.stmts("countries") == [b.items[0]]


def test_table_drops_separator_row_and_keeps_empty_cells():
    f = ok("t {\n  | zone   | price   |\n  |--------|:-------:|\n  | Zona 1 |         |\n}\n")
    (table,) = f.items[0].items
    assert type(table) is Table
    assert len(table.rows) == 2  # the separator row is gone
    header, row = table.rows
    assert [[a.text for a in c.atoms] for c in header.cells] == [["zone"], ["price"]]
    assert [[a.text for a in c.atoms] for c in row.cells] == [["Zona", "1"], []]
    empty = row.cells[1]
    assert empty.span.line == 4 and empty.span.col > row.cells[0].span.end_col
    assert (table.span.line, table.span.end_line) == (2, 4)


def test_dash_cell_is_an_atom():
    f = ok("| a | - |\n")
    (row,) = f.items[0].rows
    assert [(a.kind, a.text) for a in row.cells[1].atoms] == [("DASH", "-")]


def joined(text):
    """The atoms as the checker reads them: unit words joined to their numbers (issue 10:
    the grammar lists no units; compiler/check/units.py owns them)."""
    from compiler.check.units import attach, default_words
    return attach(args(text), default_words())


def test_the_grammar_knows_no_unit_words():
    n, w, q = args("price 15 GBP 2,50 GBP/min\n")
    assert [(a.kind, a.text) for a in (n, w)] == [("NUMBER", "15"), ("WORD", "GBP")]
    assert (q.unit, q.per_unit) == ("GBP", "min")


def test_quantities():
    q1, q2, q3, q4, q5 = joined("price 119,90 RSD 0,10 RSD/min 6 RSD/5 KB 100 KB 30 %\n")
    assert (q1.number, q1.unit, q1.per_number, q1.per_unit) == ("119,90", "RSD", None, None)
    assert (q2.number, q2.unit, q2.per_number, q2.per_unit) == ("0,10", "RSD", None, "min")
    assert (q3.number, q3.unit, q3.per_number, q3.per_unit) == ("6", "RSD", "5", "KB")
    assert q3.text == "6 RSD/5 KB"
    assert (q4.number, q4.unit) == ("100", "KB")
    assert (q5.number, q5.unit) == ("30", "%")
    assert all(type(q) is Quantity for q in (q1, q2, q3, q4, q5))


def test_bare_per_unit_is_an_atom():
    (a,) = args("unit RSD/min\n")
    assert (a.kind, a.text) == ("PERUNIT", "RSD/min")


def test_pairs():
    p1, p2, p3 = joined("interval 60/60 30+1 1+1 kB\n")
    assert all(type(p) is Pair for p in (p1, p2, p3))
    assert (p1.first, p1.sep, p1.next, p1.unit) == ("60", "/", "60", None)
    assert (p2.first, p2.sep, p2.next, p2.unit) == ("30", "+", "1", None)
    assert (p3.first, p3.sep, p3.next, p3.unit) == ("1", "+", "1", "kB")
    assert p3.text == "1+1 kB"


def test_data_interval_is_quantity_plus_quantity():
    a, plus, b = joined("interval data 5 KB + 100 KB\n")[1:]
    assert (a.number, a.unit) == ("5", "KB")
    assert (plus.kind, plus.text) == ("PLUS", "+")
    assert (b.number, b.unit) == ("100", "KB")


def test_codes_phone_time():
    c1, c2, c3, phone, time = args("x *321*<number:msisdn># *111*1*7#YES *311# +38263 23:00\n")
    assert (c1.kind, c1.text) == ("CODE", "*321*<number:msisdn>#")
    assert (c2.kind, c2.text) == ("CODE", "*111*1*7#YES")
    assert (c3.kind, c3.text) == ("CODE", "*311#")
    assert (phone.kind, phone.text) == ("PHONE", "+38263")
    assert (time.kind, time.text) == ("TIME", "23:00")


def test_operators_and_colon():
    kinds = [(a.kind, a.text) for a in args("when balance < 15 RSD\n")]
    assert kinds[:2] == [("WORD", "balance"), ("OP", "<")]
    assert [(a.kind, a.text) for a in args("window 4 - 24 at 23:00\n")][:3] == [
        ("NUMBER", "4"), ("DASH", "-"), ("NUMBER", "24")]


def test_strings_with_escapes_and_diacritics():
    (s,) = args('name "Telenor \\"Porodica\\" PONIŠTI"\n')
    assert s.kind == "STRING" and s.value == 'Telenor "Porodica" PONIŠTI'


def test_long_string_is_dedented():
    s = only_stmt('about en """\n    First line\n      indented\n    last\n    """\n')
    long = s.args[1]
    assert long.kind == "LONGSTRING"
    assert long.value == "First line\n  indented\nlast"
    assert (long.span.line, long.span.end_line) == (1, 5)


def test_comments_are_ignored():
    f = ok("// heading\nx 1 // trailing\n\n  // indented comment\ny 2\n")
    assert [i.keyword.text for i in f.items] == ["x", "y"]
    assert [a.text for a in f.items[0].args] == ["1"]


def test_bom_keeps_columns():
    s = only_stmt("\ufeffcurrency RSD\n")
    assert s.keyword.text == "currency" and s.keyword.span.col == 2


def test_crlf_line_endings():
    f = ok("x {\r\n  y 1\r\n}\r\nz 2\r\n")
    assert [i.keyword.text for i in f.items] == ["x", "z"]
    assert f.items[1].span.line == 4


def test_no_trailing_newline():
    assert only_stmt("x 1").args[0].text == "1"
    assert ok("x {\n  y 1\n}").items[0].items[0].keyword.text == "y"


def test_empty_and_blank_files():
    assert ok("").items == ()
    assert ok("\n\n   \n// only a comment\n").items == ()


# --- syntax errors ----------------------------------------------------------------------

def codes(text: str) -> list[tuple[str, int, int]]:
    f, diags = parse(text, "bad.tariff")
    assert all(d.span is None or d.span.file == "bad.tariff" for d in diags)
    return [(d.code, d.span.line, d.span.col) for d in diags]


@pytest.mark.parametrize("text, expected", [
    ("x {\n  price 10 @ RSD\n}\n", ("T0001", 2, 12)),        # unexpected character
    ('x {\n  name "Telenor\n}\n', ("T0002", 2, 8)),           # unclosed string
    ("x {\n  y 1\n", ("T0003", 1, 3)),                        # unclosed block
    ("x {\n  inner {\n    y 1\n}\n", ("T0003", 2, 9)),        # the inner block is the one left open
    ("x {\n  y 1\n}\n}\n", ("T0004", 4, 1)),                  # stray `}`
    ("}\nx 1\n", ("T0004", 1, 1)),                            # stray `}` on the first line
    ("x {\n  | a | b\n}\n", ("T0005", 2, 10)),                # row not ending in `|`
    ("x {\n  15 RSD\n}\n", ("T0006", 2, 3)),                  # line not starting with a keyword
    ('x {\n  "name" y\n}\n', ("T0006", 2, 3)),
    ("x {\n  y 1 | 2\n}\n", ("T0008", 2, 7)),                 # other: a stray pipe
    ("x { y }\n", ("T0010", 1, 7)),                           # `}` on a line with other items
])
def test_syntax_error_code_and_position(text, expected):
    assert codes(text)[0] == expected


def test_syntax_errors_have_message_label_and_help():
    _, diags = parse('x {\n  name "Telenor\n}\n', "bad.tariff")
    (d,) = diags
    assert d.is_error and d.message == "this text is never closed"
    assert d.label and d.help


def test_every_syntax_error_of_a_file_is_reported_in_order():
    text = ("x {\n"
            "  price 10 @ RSD\n"       # T0001
            "  | a | b\n"              # T0005
            "  15 RSD\n"               # T0006
            '  name "Telenor\n'        # T0002
            "  ok 1\n"
            "}\n"
            "}\n")                     # T0004
    assert codes(text) == [("T0001", 2, 12), ("T0005", 3, 10), ("T0006", 4, 3),
                           ("T0002", 5, 8), ("T0004", 8, 1)]


def test_good_items_survive_syntax_errors():
    f, diags = parse("a 1\nb @\nc {\n  d 2\n}\n", "bad.tariff")
    assert [d.code for d in diags] == ["T0001"]
    assert [i.keyword.text for i in f.items] == ["a", "c"]
