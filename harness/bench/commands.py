"""Subcommands of this area (placeholder until the area's issue lands)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add this area's subcommands to `talkqa`; each sets args.run."""
