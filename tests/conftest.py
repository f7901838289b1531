"""Test-wide settings: Hypothesis profiles.

`ci` (the default) keeps the suite quick; `long` digs deeper:

    TARIFFC_HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz_grammar.py
"""

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=50)
settings.register_profile("long", max_examples=2000)
settings.load_profile(os.environ.get("TARIFFC_HYPOTHESIS_PROFILE", "ci"))
