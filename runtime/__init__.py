"""The support library that generated operator modules import.

Pure, standard-library-only and free of clocks and floats: money (`runtime.money`), charging
intervals and rounding (`runtime.charging`), and the one error hierarchy (`runtime.errors`).
Nothing here knows about Lark, Jinja2 or the compiler.
"""
