"""The generated prompt sets cover everything the speech builders and the demo flow can play."""

from __future__ import annotations

import array
import hashlib
import json
from pathlib import Path

import pytest
import yaml

from vaxel.flow import flow_from_dict
from vaxel.media.g711 import ulaw_decode
from vaxel.prompts import PromptLibrary, UnknownPrompt
from vaxel.prompts.library import BUILTIN_ROOT
from vaxel.sim.demo_tenant import demo_queues
from vaxel.speech.catalogue import catalogue

FLOW = Path(__file__).parents[2] / "vaxel" / "flow" / "demo_flow.yaml"


def flow_prompt_ids() -> set[str]:
    """Every prompt id in the demo flow, found by walking its data (not a copied list)."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str) and value.startswith(("sv/", "en/", "music/")):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    data = yaml.safe_load(FLOW.read_text(encoding="utf-8"))
    flow_from_dict(data)  # the flow we walk is the valid one the demo uses
    walk(data)
    for queue in demo_queues():
        for interval in queue.callback.intervals:
            walk(interval.prompt_id)
    return found


def rms(prompt: bytes) -> float:
    samples = array.array("h", ulaw_decode(prompt))
    return (sum(s * s for s in samples) / max(1, len(samples))) ** 0.5


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_catalogue_prompt_exists_and_is_spoken(language: str) -> None:
    library = PromptLibrary()
    for prompt_id, text in catalogue(language).items():
        audio = library.load(prompt_id)
        if text:
            assert 200 <= library.duration_ms(prompt_id) <= 12_000, prompt_id
            assert rms(audio) > 500, f"{prompt_id} is (nearly) silent"


def test_every_demo_flow_prompt_exists_and_is_spoken() -> None:
    library = PromptLibrary()
    ids = flow_prompt_ids()
    assert "sv/exempelby/huvudmeny" in ids and "music/exempelby" in ids
    for prompt_id in ids:
        assert library.duration_ms(prompt_id) >= 300, prompt_id
        assert rms(library.load(prompt_id)) > 500, prompt_id


def test_manifest_matches_the_files_and_the_catalogue_texts() -> None:
    manifest = json.loads((BUILTIN_ROOT / "manifest.json").read_text(encoding="utf-8"))
    for language in ("sv", "en"):
        for prompt_id, text in catalogue(language).items():
            assert manifest[prompt_id]["text"] == text
    for prompt_id, entry in manifest.items():
        data = (BUILTIN_ROOT / f"{prompt_id}.ulaw").read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], prompt_id


def test_tenant_uploads_override_and_unknown_ids_are_named(tmp_path: Path) -> None:
    (tmp_path / "sv" / "exempelby").mkdir(parents=True)
    (tmp_path / "sv" / "exempelby" / "valkommen.ulaw").write_bytes(b"\x00" * 800)
    library = PromptLibrary([tmp_path])
    assert library.duration_ms("sv/exempelby/valkommen") == 100
    with pytest.raises(UnknownPrompt, match="sv/finns-inte"):
        library.load("sv/finns-inte")
    with pytest.raises(UnknownPrompt):
        library.load("../../etc/passwd")


def test_an_alias_plays_its_targets_audio_and_a_root_of_its_own_wins(tmp_path: Path) -> None:
    library = PromptLibrary([tmp_path])
    music = library.load("music/default")
    assert library.load("music_on_hold") == music  # the media engine's default, shipped once
    assert library.load("music/exempelby") == music
    assert {"music_on_hold", "music/exempelby"} <= set(library.builtin_ids())
    (tmp_path / "music_on_hold.ulaw").write_bytes(b"\xff" * 1600)
    assert PromptLibrary([tmp_path]).load("music_on_hold") == b"\xff" * 1600
