"""A Pygments lexer for `.tariff` specs, so ```tariff fences are highlighted in the site
(the site's pymdownx.highlight) and in any Pygments-based tool.

Registered through the `pygments.lexers` entry point in pyproject.toml
(`tariff = "compiler.lexer:TariffLexer"`); `pygmentize -l tariff specs/telenor_rs/roaming.tariff`
uses it once the project is installed.

>>> from pygments.token import Keyword, Number, String
>>> toks = [(t, v) for t, v in TariffLexer().get_tokens('price 119,90 RSD/min // x') if v.strip()]
>>> toks[:3]
[(Token.Keyword, 'price'), (Token.Literal.Number, '119,90'), (Token.Keyword.Type, 'RSD/min')]
"""

from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import (Comment, Keyword, Name, Number, Operator, Punctuation, String,
                            Text, Whitespace)

from compiler.check.units import UNIT_WORDS, currencies

# The words that start statements and blocks, and the fixed words inside them
# (docs/language/*.md).
KEYWORDS = (
    "about", "action", "activate", "activates", "and", "any", "at", "available", "back", "benefits",
    "bill", "billing", "bonus", "by", "call", "calls", "category", "changes", "channels", "code",
    "comma", "count", "countries", "country", "currency", "day", "days", "decimal", "defers",
    "effective", "end", "ends", "event", "example", "except", "excluded", "exclusive", "expires", "family",
    "fee", "first", "for", "formula", "free", "from", "front", "full", "group", "groups",
    "half-up", "home", "illustrative", "in", "included", "includes", "interval", "invitation",
    "languages", "mcc", "mccmnc", "member", "members", "menu", "minimum", "minutes", "month",
    "name", "network", "networks", "not", "note", "notifications", "numbers", "of", "off", "on",
    "one-time", "only", "operator", "option", "other", "pass", "passes", "per", "period", "plans",
    "point", "price", "prices", "prorated", "reply", "roaming", "rounding", "rule", "segment",
    "service", "shown", "sms", "speed", "step", "text", "then", "timezone", "title", "to",
    "transfer", "until", "up", "valid", "variant", "vat", "web", "when", "where", "window",
    "with", "zone",
)
# The unit words are the checker's (compiler/check/units.py): the fixed ones and every ISO
# 4217 code; an operator's declared names (`minor p`) are not known to a lexer.
UNITS = tuple(sorted(UNIT_WORDS | currencies(), key=lambda w: (-len(w), w)))
_UNIT = "|".join(re.escape(u) for u in UNITS)


# The token set, in the order the rules are tried: (regex, token type) or (regex, one token
# type per group). `compiler.textmate` writes the same rules as the TextMate grammar of
# editors/textmate/, so the site, VS Code, GitHub and Shiki highlight a spec alike.
RULES: tuple[tuple[str, object], ...] = (
    (r"\s+", Whitespace),
    (r"//.*?$", Comment.Single),
    # (the long string `"""..."""` comes here: LONGSTRING)
    (r'"(?:\\.|[^"\\\n])*"', String.Double),
    # USSD codes with typed parameters and a suffix: *321*<number:msisdn>#, *650#YES
    (r"\*[\d*]*(?:<\w+:\w+>[\d*]*)*#[A-Z]*", String.Other),
    (r"<\w+:\w+(?:[ \t]+\d+(?:\.\.\d+)?)?>", Name.Variable),
    (r"\+\d{3,}", Number.Other),  # phone prefixes
    (r"\d{1,2}\.\d{1,2}\.\d{4}", Number.Other),  # dates
    (r"\d{4}-\d{2}-\d{2}", Number.Other),  # ISO dates: valid from 2027-01-01
    (r"\d{1,2}:\d{2}\b", Number.Other),  # times of day
    # charging intervals: 60/60, 30+1, 1+1 kB, 5 KB + 100 KB
    (r"\d+(?:[ \t]*[kK]B)?[ \t]*[/+][ \t]*\d+(?:[ \t]*[kK]B)?", Number.Integer),
    # prices and quantities: 119,90 RSD/min, 6 RSD/5 KB, 100 MB, 30 %: a number and a unit
    # word, or `word/[N ]word`
    (r"(\d[\d.,]*)([ \t]*)([^\W\d]\w*/(?:\d+[ \t]*)?[^\W\d]\w*)", (Number, Whitespace, Keyword.Type)),
    (rf"(\d[\d.,]*)([ \t]*)({_UNIT})(?![\w-])", (Number, Whitespace, Keyword.Type)),
    (r"[^\W\d]\w*/(?:\d+[ \t]*)?[^\W\d]\w*", Keyword.Type),  # a unit row cell: RSD/min
    (r"(\d[\d.,]*)([ \t]*)(%)", (Number, Whitespace, Keyword.Type)),
    (r"\d[\d.,]*", Number),
    (r"\|", Punctuation),  # table pipes
    (r"-{3,}", Punctuation),  # table rules
    (r"[{}]", Punctuation),
    (r"[<>=]=?|\.\.", Operator),
    (words(KEYWORDS, prefix=r"(?<![\w-])", suffix=r"(?![\w-])").get(), Keyword),
    (words(tuple(sorted(UNIT_WORDS)), prefix=r"(?<![\w-])", suffix=r"(?![\w-])").get(), Keyword.Type),
    (r"[A-Z]{2}(?![\w-])", Name.Constant),  # ISO country codes
    (r"[A-Za-z_][\w-]*", Name),
    (r"[,:]", Punctuation),
    (r"-", Punctuation),
    (r".", Text),
)
# A long string: from `"""` to the next `"""`, over any number of lines.
LONGSTRING = (r'"""', r'"""', String.Doc)
LONGSTRING_AT = 2  # its place in RULES


def _rule(regex: str, token):
    # (a token type is itself a tuple subclass, so test the exact type)
    return (regex, bygroups(*token) if type(token) is tuple else token)


class TariffLexer(RegexLexer):
    name = "Tariff"
    aliases = ["tariff"]
    filenames = ["*.tariff"]
    mimetypes = ["text/x-tariff"]

    tokens = {
        "root": [_rule(*r) for r in RULES[:LONGSTRING_AT]]
                + [(LONGSTRING[0], LONGSTRING[2], "longstring")]
                + [_rule(*r) for r in RULES[LONGSTRING_AT:]],
        "longstring": [
            (LONGSTRING[1], LONGSTRING[2], "#pop"),
            (r'[^"]+', String.Doc),
            (r'"', String.Doc),
        ],
    }
