"""Shared helpers of the command-line tests (issue 6)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"


@pytest.fixture
def specs_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped specs."""
    dst = tmp_path / "specs"
    shutil.copytree(SPECS, dst)
    return dst
