"""Checked model -> Python source of `generated/<operator>/__init__.py`.

The model is lowered to plain tables (`compiler.lower`: dicts, tuples, str, int, Decimal)
and written into the module as literals by one Jinja2 template. Spec text reaches the
generated code only through `py_literal` (Python's own `repr` for strings), so no name or text
of a spec can inject code. Output is deterministic: tables keep the model's order.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import jinja2

from compiler.lower import lower
from compiler.model import Tariff

TEMPLATES = Path(__file__).with_name("templates")


def py_literal(value, indent: int = 0) -> str:
    """A Python literal for a table value; anything else (a float, an object) is refused.

    >>> py_literal({"price": Decimal("119.90"), "codes": ("*311#", None)})
    "{\\n    'price': D('119.90'),\\n    'codes': ('*311#', None),\\n}"
    """
    pad = "    " * (indent + 1)
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, Decimal):
        return f"D({str(value)!r})"
    if isinstance(value, tuple | list):
        if not value:
            return "()"
        items = [py_literal(v, indent + 1) for v in value]
        one_line = "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        if len(one_line) + len(pad) <= 100 and "\n" not in one_line:
            return one_line
        return "(\n" + "".join(f"{pad}{i},\n" for i in items) + "    " * indent + ")"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{py_literal(k, indent + 1)}: {py_literal(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + "".join(f"{pad}{i},\n" for i in items) + "    " * indent + "}"
    if isinstance(value, frozenset):
        return "frozenset(" + py_literal(tuple(sorted(value)), indent) + ")"
    raise TypeError(f"no literal for {type(value).__name__} in generated tables")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, autoescape=False)
    env.filters["py_literal"] = py_literal
    return env


def module_source(tariff: Tariff) -> str:
    """The source of the operator's runtime module."""
    tables = lower(tariff)
    return _environment().get_template("module.py.j2").render(
        operator=tariff.operator, files=sorted(tariff.files), tables=tables)


def sources(tariff: Tariff) -> dict[str, str]:
    """Every file of `generated/<operator>/`, relative path -> text."""
    return {"__init__.py": module_source(tariff)}
