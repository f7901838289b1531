"""Text drawn from the grammar itself (and arbitrary text) never makes the parser raise.

`hypothesis.extra.lark.from_lark` walks `dsl/grammar.lark` and writes sentences of it; the
parser must return a tree and diagnostics for every one, never an exception. Run deeper with
`TARIFFC_HYPOTHESIS_PROFILE=long` (see tests/conftest.py).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark

from dsl.ast import File
from dsl.diagnostics import Diagnostic
from dsl.parser import GRAMMAR_PATH, parse

# from_lark needs Lark's own grammar object: no inline transformer, no positions.
GRAMMAR = Lark(GRAMMAR_PATH.read_text(encoding="utf-8"), parser="lalr", lexer="contextual")

# Characters the language gives meaning to, plus a few it does not, for the mutation test.
ALPHABET = st.sampled_from(list('abcZ019 \t\n\r{}|-:,+*#<>/"%.=@;é\ufeffŠ') + ['"""', "//", "RSD", "KB"])

FUZZ = settings(deadline=2000, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.data_too_large])


def assert_parses_without_raising(text: str) -> None:
    tree, diags = parse(text, "fuzz.tariff")
    assert isinstance(tree, File)
    for d in diags:
        assert isinstance(d, Diagnostic) and d.code.startswith("T0") and d.is_error
        assert d.span is None or d.span.line >= 1 and d.span.col >= 1


@FUZZ
@given(from_lark(GRAMMAR))
def test_grammar_sentences_never_raise(text):
    assert_parses_without_raising(text)


@FUZZ
@given(from_lark(GRAMMAR), st.integers(0, 10_000), ALPHABET)
def test_grammar_sentences_with_one_edit_never_raise(text, where, piece):
    i = where % (len(text) + 1)
    assert_parses_without_raising(text[:i] + piece + text[i:])
    assert_parses_without_raising(text[:i] + text[i + 1:])


@FUZZ
@given(st.lists(ALPHABET, max_size=80).map("".join))
def test_arbitrary_text_never_raises(text):
    assert_parses_without_raising(text)
