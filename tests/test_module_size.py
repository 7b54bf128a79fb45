"""Small modules (STYLE.md): no module in vaxel/ past 800 lines, the house's hard ceiling,
and none in vaxel/telephony past 400 (issue 11's Done means).

A module grows one reasonable feature at a time; this stops it before it becomes the
864-line ``switch.py`` issue 11 had to take apart. Split by what the module holds (pure
moves), never by squeezing lines.
"""

from __future__ import annotations

from pathlib import Path

VAXEL = Path(__file__).resolve().parent.parent / "vaxel"
CEILING = 800
TELEPHONY_CEILING = 400


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_in_vaxel_is_over_800_lines() -> None:
    modules = sorted(VAXEL.rglob("*.py"))
    assert len(modules) > 100  # the walk found the package, not an empty folder
    over = {str(m.relative_to(VAXEL)): lines(m) for m in modules if lines(m) > CEILING}
    assert over == {}, f"split these by what they hold (limit {CEILING}): {over}"


def test_no_telephony_module_is_over_400_lines() -> None:
    """Telephony's call states must stay listable by a reader (issue 11)."""
    modules = sorted((VAXEL / "telephony").glob("*.py"))
    assert len(modules) > 30
    over = {m.name: lines(m) for m in modules if lines(m) > TELEPHONY_CEILING}
    assert over == {}, f"split these by what they hold (limit {TELEPHONY_CEILING}): {over}"
