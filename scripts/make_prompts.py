#!/usr/bin/env python3
"""Generate the built-in prompt sets with espeak-ng and sox (issue 3, Q11).

Speaks every id of ``vaxel.speech.catalogue`` (sv and en) and the texts in
``vaxel/prompts/demo_texts.yaml``, then converts to headerless G.711 µ-law, 8 kHz mono,
trimmed and normalised, at ``vaxel/prompts/<id>.ulaw``; synthesises the music on hold; and
writes ``vaxel/prompts/manifest.json`` (id → text, duration, sha256). Re-run after adding
ids; the generated files are committed. Needs: espeak-ng, sox (scripts/system-packages.sh).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vaxel.speech.catalogue import catalogue  # noqa: E402

OUT = ROOT / "vaxel" / "prompts"
VOICES = {"sv": ["-v", "sv", "-s", "150", "-p", "45"], "en": ["-v", "en", "-s", "155"]}
TO_ULAW = ["-r", "8000", "-c", "1", "-e", "u-law", "-t", "raw"]


BEEPS = frozenset({"sv/voicemail/ton", "en/voicemail/ton"})
"""The voicemail's tone before recording (PBX4): 0.4 s of 1 kHz, not speech."""


def speak(prompt_id: str, text: str, work: Path) -> Path:
    target = OUT / f"{prompt_id}.ulaw"
    target.parent.mkdir(parents=True, exist_ok=True)
    if prompt_id in BEEPS:
        beep = ["synth", "0.4", "sine", "1000", "fade", "q", "0.02", "0.4", "0.02", "vol", "0.5"]
        subprocess.run(["sox", "-R", "-n", *TO_ULAW, str(target), *beep], check=True)
        return target
    if not text.strip():
        subprocess.run(["sox", "-R", "-n", *TO_ULAW, str(target), "trim", "0", "0.3"], check=True)
        return target
    wav = work / "speech.wav"
    language = prompt_id.split("/", 1)[0]
    subprocess.run(["espeak-ng", *VOICES[language], "-w", str(wav), text], check=True)
    subprocess.run(
        [
            "sox",
            "-R",
            str(wav),
            *TO_ULAW,
            str(target),
            "silence",
            "1",
            "0.02",
            "0.5%",
            "reverse",
            "silence",
            "1",
            "0.02",
            "0.5%",
            "reverse",
            "pad",
            "0.05",
            "0.1",
            "norm",
            "-3",
        ],
        check=True,
    )
    return target


def music(prompt_id: str) -> Path:
    """A calm, loopable 16-bar melody of our own: sine notes with soft attack/decay."""
    target = OUT / f"{prompt_id}.ulaw"
    target.parent.mkdir(parents=True, exist_ok=True)
    notes = [
        "C4",
        "E4",
        "G4",
        "E4",
        "F4",
        "A4",
        "C5",
        "A4",
        "G4",
        "B4",
        "D5",
        "B4",
        "C5",
        "G4",
        "E4",
        "G4",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        parts = []
        for index, note in enumerate(notes):
            part = Path(tmp) / f"{index:02d}.wav"
            subprocess.run(
                [
                    "sox",
                    "-R",
                    "-n",
                    "-r",
                    "8000",
                    "-c",
                    "1",
                    str(part),
                    "synth",
                    "1.2",
                    "sine",
                    note,
                    "sine",
                    note.replace("4", "3").replace("5", "4"),
                    "fade",
                    "q",
                    "0.08",
                    "1.2",
                    "0.5",
                    "vol",
                    "0.35",
                ],
                check=True,
            )
            parts.append(str(part))
        subprocess.run(["sox", "-R", *parts, *TO_ULAW, str(target), "norm", "-6"], check=True)
    return target


def main() -> None:
    texts: dict[str, str] = {}
    for language in ("sv", "en"):
        texts.update(catalogue(language))
    texts.update(yaml.safe_load((OUT / "demo_texts.yaml").read_text(encoding="utf-8")))
    manifest: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for prompt_id, text in sorted(texts.items()):
            path = speak(prompt_id, text, Path(tmp))
            manifest[prompt_id] = {"text": text}
            manifest[prompt_id].update(describe(path))
    # music_on_hold and music/exempelby play this file (library.ALIASES): shipped once
    manifest["music/default"] = {"text": "", **describe(music("music/default"))}
    (OUT / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"{len(manifest)} prompts in {OUT}")


def describe(path: Path) -> dict[str, object]:
    data = path.read_bytes()
    return {"duration_ms": len(data) // 8, "sha256": hashlib.sha256(data).hexdigest()}


if __name__ == "__main__":
    main()
