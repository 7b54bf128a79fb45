"""Admin prompts (IVR5, ADM1, ADM3): upload WAV/MP3, listen as WAV, remove; telephony plays
an upload at once (Q20)."""

from __future__ import annotations

import html
import io
import math
import struct
import subprocess
import wave
from pathlib import Path

import pytest

from tests.web.conftest import OTHER, PASSWORD, Web, sign_in
from vaxel.app import telephony_updater
from vaxel.prompts import PromptLibrary
from vaxel.runtime.extensions import PhoneExtensions
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.prompts import PromptUploads
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.web.admin.prompts import MAX_UPLOAD_BYTES
from vaxel.web.passwords import PasswordHashing

WELCOME = f"tenant/{DEMO_TENANT}/valkommen"


def tone_wav(seconds: float, rate: int = 44100, channels: int = 2, hz: float = 440) -> bytes:
    """A real WAV file from Python's wave module: a sine tone at half scale."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = bytearray()
        for n in range(int(seconds * rate)):
            sample = int(16000 * math.sin(2 * math.pi * hz * n / rate))
            frames += struct.pack("<h", sample) * channels
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def tone_mp3(tmp_path: Path, seconds: float) -> bytes:
    target = tmp_path / "tone.mp3"
    made = subprocess.run(
        ["sox", "-n", "-r", "22050", "-c", "1", str(target), "synth", str(seconds), "sine", "330"],
        capture_output=True,
        check=False,
    )
    assert made.returncode == 0, f"sox cannot write MP3: {made.stderr.decode()[-200:]}"
    return target.read_bytes()


def wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as played:
        assert (played.getframerate(), played.getnchannels(), played.getsampwidth()) == (8000, 1, 2)
        return played.getnframes() / played.getframerate()


def upload(client: object, csrf: str, name: str, filename: str, data: bytes) -> str:
    """Post the upload form; the page the redirect leads to (with any error)."""
    response = client.post(  # type: ignore[attr-defined]
        "/admin/prompts",
        data={"csrf": csrf, "name": name},
        files={"file": (filename, data, "application/octet-stream")},
    )
    assert response.status_code == 303
    return html.unescape(client.get(response.headers["location"]).text)  # type: ignore[attr-defined]


def test_a_wav_upload_is_listed_and_played_back_as_wav_of_the_same_length(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    page = upload(admin, csrf, "Välkommen", "hej.wav", tone_wav(1.5))
    assert 'class="error"' not in page
    assert f'data-prompt="{WELCOME}"' in page and "1.5 s" in page
    assert f'src="/admin/prompts/audio/{WELCOME}"' in page
    played = admin.get(f"/admin/prompts/audio/{WELCOME}")
    assert played.status_code == 200 and played.headers["content-type"] == "audio/wav"
    assert wav_seconds(played.content) == pytest.approx(1.5, abs=0.01)


def test_an_mp3_upload_becomes_a_prompt_too(web: Web, tmp_path: Path) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    page = upload(admin, csrf, "Kön är lång", "lang.mp3", tone_mp3(tmp_path, 2.0))
    assert 'class="error"' not in page
    prompt_id = f"tenant/{DEMO_TENANT}/kon-ar-lang"
    played = admin.get(f"/admin/prompts/audio/{prompt_id}")
    assert played.headers["content-type"] == "audio/wav"
    assert wav_seconds(played.content) == pytest.approx(2.0, abs=0.1)  # MP3 frame padding


def test_built_in_prompts_are_listed_and_can_be_heard(web: Web) -> None:
    admin = web.client()
    sign_in(admin, DEMO_TENANT, "admin")
    page = admin.get("/admin/prompts").text
    assert "<code>sv/stangt</code>" in page and "<code>en/num/5</code>" in page
    played = admin.get("/admin/prompts/audio/sv/stangt")
    assert played.status_code == 200 and wav_seconds(played.content) > 0.5
    assert admin.get("/admin/prompts/audio/sv/finns-inte").status_code == 404
    assert admin.get("/admin/prompts/audio/../../etc/passwd").status_code == 404


def test_unreadable_or_oversized_files_are_refused_and_nothing_is_stored(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    cases = [
        ("text.wav", b"det har ar ingen ljudfil", "går inte att läsa"),
        ("trasig.wav", b"RIFF\x24\x00\x00\x00WAVEfmt garbage" + bytes(64), "går inte att läsa"),
        ("ljud.ogg", b"OggS" + bytes(100), "stöds inte"),
        ("tyst.wav", tone_wav(1.0, hz=0), "tyst"),
    ]
    for filename, data, expected in cases:
        page = upload(admin, csrf, "Trasig", filename, data)
        assert expected in page and filename in page, filename
    big = upload(admin, csrf, "Stor", "stor.wav", b"RIFF" + bytes(MAX_UPLOAD_BYTES))
    assert "för stor" in big
    no_file = admin.post("/admin/prompts", data={"csrf": csrf, "name": "x"})
    assert "Välj en ljudfil" in html.unescape(admin.get(no_file.headers["location"]).text)
    assert PromptUploads(web.app.state.context.database).all(DEMO_TENANT) == []  # type: ignore[attr-defined]


def test_telephony_plays_the_upload_and_the_replacement_at_once(web: Web) -> None:
    configuration = web.app.state.context.configuration  # type: ignore[attr-defined]
    library = PromptLibrary(uploads=PromptUploads(configuration.database).lookup)
    configuration.listeners.append(
        telephony_updater(TelephonyDirectory(), library, PhoneExtensions(configuration))
    )
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    assert not library.exists(WELCOME)
    upload(admin, csrf, "Välkommen", "hej.wav", tone_wav(1.0))
    assert library.exists(WELCOME) and library.duration_ms(WELCOME) == 1000
    upload(admin, csrf, "Välkommen", "hej-igen.wav", tone_wav(2.0, rate=16000, channels=1))
    assert library.duration_ms(WELCOME) == 2000  # replaced, same id: flows keep working
    assert library.exists("sv/stangt")  # built-in prompts as before
    admin.post("/admin/prompts/remove", data={"csrf": csrf, "id": WELCOME})
    assert not library.exists(WELCOME)


def test_a_prompt_a_flow_plays_cannot_be_removed(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    upload(admin, csrf, "Välkommen", "hej.wav", tone_wav(1.0))
    configuration = web.app.state.context.configuration  # type: ignore[attr-defined]
    flows = configuration.documents("flow")
    flow = flows.get(DEMO_TENANT, "huvudflode")
    flows.put(DEMO_TENANT, "huvudflode", "Huvudflöde", flow | {"extra": {"prompts": [WELCOME]}})
    refused = admin.post("/admin/prompts/remove", data={"csrf": csrf, "id": WELCOME})
    page = html.unescape(admin.get(refused.headers["location"]).text)
    assert "spelas fortfarande upp av: flow:huvudflode" in page
    assert f'data-prompt="{WELCOME}"' in page
    flows.put(DEMO_TENANT, "huvudflode", "Huvudflöde", flow)
    removed = admin.post("/admin/prompts/remove", data={"csrf": csrf, "id": WELCOME})
    assert removed.headers["location"] == "/admin/prompts"
    assert f'data-prompt="{WELCOME}"' not in admin.get("/admin/prompts").text
    assert (
        admin.post("/admin/prompts/remove", data={"csrf": csrf, "id": WELCOME}).status_code == 404
    )


def test_only_admins_with_csrf_and_never_another_tenants_prompts(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    upload(admin, csrf, "Välkommen", "hej.wav", tone_wav(1.0))
    no_token = admin.post(
        "/admin/prompts", data={"name": "x"}, files={"file": ("x.wav", tone_wav(0.5))}
    )
    assert no_token.status_code == 403
    assert admin.post("/admin/prompts/remove", data={"id": WELCOME}).status_code == 403

    agent = web.client()
    agent_csrf = sign_in(agent, DEMO_TENANT, "maria")
    assert agent.get("/admin/prompts").status_code == 403
    assert agent.get(f"/admin/prompts/audio/{WELCOME}").status_code == 403
    sneaky = agent.post(
        "/admin/prompts",
        data={"csrf": agent_csrf, "name": "x"},
        files={"file": ("x.wav", tone_wav(0.5))},
    )
    assert sneaky.status_code == 403
    remove = {"csrf": agent_csrf, "id": WELCOME}
    assert agent.post("/admin/prompts/remove", data=remove).status_code == 403

    web.accounts.add_user(OTHER, "boss", "Boss", "tenant_admin", PasswordHashing().hash(PASSWORD))
    other = web.client()
    other_csrf = sign_in(other, OTHER, "boss")
    assert WELCOME not in other.get("/admin/prompts").text
    assert other.get(f"/admin/prompts/audio/{WELCOME}").status_code == 404
    steal = {"csrf": other_csrf, "id": WELCOME}
    assert other.post("/admin/prompts/remove", data=steal).status_code == 404
    upload(other, other_csrf, "Välkommen", "hej.wav", tone_wav(0.5))
    uploads = PromptUploads(web.app.state.context.database)  # type: ignore[attr-defined]
    assert [p.prompt_id for p in uploads.all(OTHER)] == [f"tenant/{OTHER}/valkommen"]
    assert [p.seconds for p in uploads.all(DEMO_TENANT)] == [1.0]


def test_a_recording_by_phone_is_undone_on_the_prompt_page(web: Web) -> None:
    """IVR5, issue 14 §7: a prompt a phone replaced offers "Ångra inspelningen", which
    brings the old recording back; a new upload keeps nothing older to go back to."""
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    upload(admin, csrf, "Välkommen", "hej.wav", tone_wav(1.0))
    store = PromptUploads(web.app.state.context.database)  # type: ignore[attr-defined]
    old = store.audio(DEMO_TENANT, WELCOME)
    page = html.unescape(admin.get("/admin/prompts").text)
    assert "Ångra inspelningen" not in page and "*95*nr#" in page
    assert store.replace_keeping(DEMO_TENANT, WELCOME, b"\x80" * 4000, 2.0)  # as by phone
    page = html.unescape(admin.get("/admin/prompts").text)
    assert "Ångra inspelningen" in page
    undone = admin.post("/admin/prompts/undo", data={"csrf": csrf, "id": WELCOME})
    assert undone.status_code == 303
    assert store.audio(DEMO_TENANT, WELCOME) == old
    again = admin.post("/admin/prompts/undo", data={"csrf": csrf, "id": WELCOME})
    assert again.status_code == 404, "nothing left to undo"
    store.replace_keeping(DEMO_TENANT, WELCOME, b"\x80" * 4000, 3.0)
    upload(admin, csrf, "Välkommen", "hej.wav", tone_wav(1.0))
    assert store.undoable(DEMO_TENANT) == set(), "an upload is the admin's choice"
