"""Every page's skip link has somewhere to go (issue 9 §10): base.html opens with a link to
#main, so each template built on it names its main element so."""

from __future__ import annotations

from pathlib import Path

import pytest

TEMPLATES = Path(__file__).parents[2] / "vaxel" / "web" / "templates"
PAGES = sorted(p for p in TEMPLATES.rglob("*.html") if '{% extends "base.html" %}' in p.read_text())


def test_the_skip_link_is_the_first_thing_in_the_body() -> None:
    base = (TEMPLATES / "base.html").read_text()
    body = base[base.index("<body>") :]
    assert body.index('class="skip-link" href="#main"') < body.index("{% block body %}")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_each_page_has_the_skip_links_target(page: Path) -> None:
    assert '<main id="main" tabindex="-1"' in page.read_text()
