"""Scenario files of older format versions, brought to the current one before validation.

Each step takes the parsed JSON of version ``n`` and returns version ``n + 1`` with the same
meaning: a file gives the numbers it gave in the program that wrote it. The steps are
tolerant of damaged input (a field of the wrong type is left alone for the validator to
report at its place).

Version 1 -> 2 (the economics). Version 1 shared each order's revenue in proportion to the
partners' variable cost on it, and took the platform fee only when an owner had kind
``platform``. Version 2 makes the sharing rule a setting (default ``full_cost``) and takes
the fee in every scenario. So a version 1 file becomes ``"sharing": "variable_cost"`` (the
old rule, unless the file names one), and its fee becomes 0 when it has no platform owner.
Every other new field takes its documented default.
"""

from __future__ import annotations

from typing import Any


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` brought to the current format version (unchanged when it already is, or when
    its version is not a whole number the validator will then report)."""
    version = data.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version == 1:
        data = _v1_to_v2(data)
    return data


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    platform = data.get("platform", {})
    if not isinstance(platform, dict):
        return {**data, "format_version": 2}
    platform = dict(platform)
    platform.setdefault("sharing", "variable_cost")
    owners = data.get("owners")
    has_platform_owner = isinstance(owners, list | tuple) and any(
        (owner.get("kind") if isinstance(owner, dict) else getattr(owner, "kind", None)) == "platform"
        for owner in owners
    )
    fee = platform.get("fee")
    valid_fee = isinstance(fee, int | float) and not isinstance(fee, bool) and 0 <= fee < 1
    if not has_platform_owner and valid_fee:  # an invalid fee stays, for the validator to report
        platform["fee"] = 0
    return {**data, "format_version": 2, "platform": platform}
