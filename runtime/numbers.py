"""Phone numbers (MSISDNs): one spelling in state, E.164 digits without "+".

Inputs come as "+381631234567", "00381631234567", "381631234567" or national "063 123 4567";
`normalise` turns each into "381631234567" and raises `MalformedNumber` for anything else.
`country_of` reads the country from the calling code; `matches_prefix` tests a number
against spec prefixes written as "+38263".

>>> normalise("063 123 4567")
'381631234567'
>>> country_of("38267123456"), matches_prefix("38269123456", ("+38263", "+38269"))
('ME', True)
"""

from __future__ import annotations

from runtime.errors import MalformedNumber

# E.164 calling code -> ISO 3166 country. Shared codes (1: NANP, 7: Russia and Kazakhstan)
# map to their largest member; the runtime only needs the country to tell a destination
# named by a price list (RS, ME, MK, BA...) from "other countries".
CALLING_CODES: dict[str, str] = {
    "1": "US", "7": "RU", "20": "EG", "27": "ZA", "30": "GR", "31": "NL", "32": "BE",
    "33": "FR", "34": "ES", "36": "HU", "39": "IT", "40": "RO", "41": "CH", "43": "AT",
    "44": "GB", "45": "DK", "46": "SE", "47": "NO", "48": "PL", "49": "DE", "55": "BR",
    "61": "AU", "81": "JP", "86": "CN", "90": "TR", "91": "IN", "350": "GI", "351": "PT",
    "352": "LU", "353": "IE", "354": "IS", "355": "AL", "356": "MT", "357": "CY", "358": "FI",
    "359": "BG", "370": "LT", "371": "LV", "372": "EE", "373": "MD", "374": "AM", "375": "BY",
    "376": "AD", "377": "MC", "378": "SM", "380": "UA", "381": "RS", "382": "ME", "383": "XK",
    "385": "HR", "386": "SI", "387": "BA", "389": "MK", "420": "CZ", "421": "SK", "423": "LI",
    "971": "AE", "972": "IL", "994": "AZ", "995": "GE", "998": "UZ",
}
# ISO country -> calling code (the operator's own country reads national numbers).
COUNTRY_CODES: dict[str, str] = {iso: code for code, iso in CALLING_CODES.items()}

_SEPARATORS = str.maketrans("", "", " -./()\u00a0")


def normalise(number: str, country_code: str = "381") -> str:
    """E.164 digits without "+": international ("+", "00"), E.164 digits, or national
    (one leading 0, read in `country_code`). Garbage raises `MalformedNumber`.

    >>> normalise("+381 63 123 4567"), normalise("00381631234567"), normalise("381631234567")
    ('381631234567', '381631234567', '381631234567')
    >>> normalise("050 123 45 67", "994")
    '994501234567'
    >>> normalise("06x")
    Traceback (most recent call last):
    runtime.errors.MalformedNumber: `06x` is not a phone number
    """
    if not isinstance(number, str):
        raise MalformedNumber(f"a phone number must be text, not {type(number).__name__}",
                              number=number)
    text = number.strip().translate(_SEPARATORS)
    if text.startswith("+"):
        digits = text[1:]
    elif text.startswith("00"):
        digits = text[2:]
    elif text.startswith("0"):
        digits = country_code + text[1:]
    else:
        digits = text
    if not digits.isascii() or not digits.isdigit() or digits.startswith("0"):
        raise MalformedNumber(f"`{number}` is not a phone number", number=number)
    if not 8 <= len(digits) <= 15:
        raise MalformedNumber(f"`{number}` has {len(digits)} digits; an international number "
                              "has 8 to 15", number=number)
    return digits


def country_of(number: str) -> str | None:
    """The ISO country of a normalised number by its calling code (None: not in the table).

    >>> country_of("381631234567"), country_of("4930123456"), country_of("8881234567")
    ('RS', 'DE', None)
    """
    for n in (3, 2, 1):
        iso = CALLING_CODES.get(number[:n])
        if iso is not None:
            return iso
    return None


def matches_prefix(number: str, prefixes) -> bool:
    """Whether a normalised number starts with one of `prefixes` ("+38263" or "38263").

    >>> matches_prefix("38267123456", ("+38263", "+38269"))
    False
    """
    return any(number.startswith(p.lstrip("+")) for p in prefixes)
