"""The browser tests keep the tree clean: their screenshots replace the README's committed
pictures only when asked (issue 9 §11)."""

from __future__ import annotations

import subprocess

from tests.web.browsing import README_SHOTS, ROOT, screenshot_dir


def ignored_by_git(path: str) -> bool:
    return subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT).returncode == 0


def test_screenshots_go_to_an_ignored_folder_unless_asked() -> None:
    shots = screenshot_dir({})
    assert not shots.is_relative_to(ROOT / "docs")
    assert ignored_by_git(str(shots.relative_to(ROOT) / "login.png"))
    assert screenshot_dir({"VAXEL_UPDATE_SCREENSHOTS": "0"}) == shots


def test_asking_updates_the_readme_pictures() -> None:
    assert screenshot_dir({"VAXEL_UPDATE_SCREENSHOTS": "1"}) == README_SHOTS
    readme = (ROOT / "README.md").read_text()
    assert "VAXEL_UPDATE_SCREENSHOTS=1" in readme
    for picture in README_SHOTS.glob("*.png"):
        assert f"docs/screenshots/{picture.name}" in readme, picture.name
