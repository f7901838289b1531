"""The one error hierarchy of the runtime: every refusal is typed and says why.

Errors carry a stable `code` (for programs), a `reason` (for people) and, where known, the
spec line (`source`, e.g. "specs/telenor_rs/codes.tariff:53") of the rule that refused.
"""

from __future__ import annotations


class TariffError(Exception):
    """Base of every error the runtime raises on bad input or a refused request."""

    code = "tariff_error"

    def __init__(self, reason: str, *, source: str | None = None, **details: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.source = source
        self.details = details

    def to_dict(self) -> dict:
        d = {"error": self.code, "reason": self.reason}
        if self.source:
            d["source"] = self.source
        d.update({k: str(v) for k, v in self.details.items()})
        return d


class InvalidEvent(TariffError):
    """An event is malformed: negative duration, unknown service, missing field."""

    code = "invalid_event"


class MalformedNumber(TariffError):
    """A phone number (MSISDN) that cannot be read."""

    code = "malformed_number"


class UnknownCode(TariffError):
    """A USSD string that matches no declared code."""

    code = "unknown_code"


class UnknownCommand(TariffError):
    """An SMS that matches no keyword of the service number, or an unknown service number."""

    code = "unknown_command"


class UnknownZone(TariffError):
    """A roaming location (country, network, zone) the tariff does not price."""

    code = "unknown_zone"


class NotAvailable(TariffError):
    """A service the price table marks `-` (not available) where the event happened."""

    code = "not_available"


class NotEligible(TariffError):
    """The subscriber's segment or plan may not use this code, command or offer."""

    code = "not_eligible"


class Refused(TariffError):
    """A well-formed request the rules refuse (a 75 MB transfer, a fifth invitation...)."""

    code = "refused"


class OutOfOrder(TariffError):
    """An event dated before the subscriber's activation or before the previous event."""

    code = "out_of_order"


class CurrencyMismatch(TariffError):
    """Arithmetic between amounts of two currencies."""

    code = "currency_mismatch"


class OverlappingVersions(TariffError):
    """Tables with two versions of one price list or pass in force at the same time (the
    checker's T0903; raised when an engine is built from such tables)."""

    code = "overlapping_versions"
