"""The monthly bill -> the table `runtime.bill` reads (`tables["bill"]`).

One bill layout per operator (the runtime cuts one bill per subscriber and month). The table
keeps the model's order; dates are ISO strings, texts are dicts language -> text:

    {"name": "Mesečni račun", "names": {"sr": "Mesečni račun", "en": "Monthly bill"},
     "period": "calendar month", "first_period": "activation to month end",
     "examples": ({"activation": "2013-01-17", "before": False,
                   "period": "17.01.2013. - 31.01.2013.", "source": "...bill.tariff:7"}, ...),
     "formulas": ({"target": "usage", "terms": (("+", "traffic"), ("-", "discounts")),
                   "source": "...bill.tariff:10"}, ...),
     "front": ({"number": 1, "key": "owner", "texts": {"sr": "...", "en": "..."},
                "source": "...bill.tariff:19"}, ...),
     "back": (...),
     "one_time": ({"name": "Putne pakete", "passes": ("Roming 20MB", ...), "source": "..."}, ...),
     "notes": ({"lang": "en", "text": "...", "source": "..."}, ...),
     "source": "specs/telenor_rs/bill.tariff:3"}
"""

from __future__ import annotations

from compiler.lower import cite, texts
from compiler.model import Tariff


def lower(tariff: Tariff) -> dict | None:
    """The bill table of `tariff`, or None when it declares no bill."""
    if not tariff.bills:
        return None
    if len(tariff.bills) > 1:
        where = ", ".join(cite(b.span) for b in tariff.bills)
        raise ValueError(f"{tariff.id}: the runtime supports one bill layout, found {len(tariff.bills)} ({where})")
    b = tariff.bills[0]
    return {
        "name": b.name,
        "names": {tariff.operator.default_language: b.name, **texts(b.names)},
        "period": b.period,
        "first_period": b.first_period,
        "examples": tuple({"activation": e.activation.isoformat(), "before": e.before,
                           "period": e.period, "source": cite(e.span)} for e in b.examples),
        "formulas": tuple({"target": f.target, "terms": f.terms, "source": cite(f.span)}
                          for f in b.formulas),
        "front": tuple(_field(f) for f in b.front),
        "back": tuple(_field(f) for f in b.back),
        "one_time": tuple({"name": c.name, "passes": c.passes, "source": cite(c.span)}
                          for c in b.one_time),
        "notes": tuple({"lang": n.lang, "text": n.text, "source": cite(n.span)} for n in b.notes),
        "source": cite(b.span),
    }


def _field(f) -> dict:
    return {"number": f.number, "key": f.key, "texts": texts(f.texts), "source": cite(f.span)}
