"""Checked model -> plain tables for the runtime (dicts, tuples, str, int, Decimal, None).

Each area of the runtime has its lowering here (`compiler.lower.<area>.lower(tariff)`),
producing exactly the table its engine (`runtime.<area>`) reads. Tables keep the model's
order, so generated output is deterministic. Rules carry `source`, the spec line they came
from (`cite`), so every runtime result can say where its rule is written.
"""

from __future__ import annotations

import importlib
import os

from dsl.ast import Span
from compiler.check import units
from compiler.model import Tariff

AREAS = ("rating", "passes", "commands", "family", "bill", "balance")


def cite(span: Span) -> str:
    """`specs/telenor_rs/roaming.tariff:78`: a span as a stable, repo-relative citation."""
    path = span.file
    if os.path.isabs(path):
        path = os.path.relpath(path)
    return f"{path.replace(os.sep, '/')}:{span.line}"


def texts(t) -> dict[str, str]:
    """A `Texts` as a dict language -> text."""
    return dict(t.items)


def lower_operator(tariff: Tariff) -> dict:
    op = tariff.operator
    return {
        "id": op.id,
        "name": op.name,
        "country": op.country,
        "currency": op.currency,
        "timezone": op.timezone,
        "languages": op.languages,
        "vat_included": op.vat_included,
        "rounding": None if op.rounding is None else {
            "mode": op.rounding.mode, "quantum": op.rounding.quantum, "source": cite(op.rounding.span)},
        "segments": {s.id: {"names": texts(s.names), "plans": s.plans} for s in tariff.segments},
        # Only with a rate, so specs without one compile to the same module as before.
        **({} if op.vat_rate is None else {"vat": {
            "rate": op.vat_rate, "included": op.vat_included,
            "quantum": units.minor_unit(op.currency), "source": cite(op.vat_span or op.span)}}),
    }


def lower(tariff: Tariff) -> dict:
    """All tables of one operator: `operator`, then one entry per area that has content."""
    tables = {"operator": lower_operator(tariff)}
    for area in AREAS:
        try:
            module = importlib.import_module(f"compiler.lower.{area}")
        except ModuleNotFoundError as e:
            if e.name != f"compiler.lower.{area}":
                raise
            continue
        table = module.lower(tariff)
        if table is not None:
            tables[area] = table
    return tables
