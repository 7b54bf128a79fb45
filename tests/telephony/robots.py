"""baresip as a scripted robot phone (DESIGN.md "real peers"): it dials, answers, sends
DTMF, plays a WAV as its microphone and records what it hears."""

from __future__ import annotations

import array
import asyncio
import contextlib
import json
import socket
import time
import wave
from dataclasses import dataclass
from pathlib import Path

from tests.telephony.conftest import free_port, free_sip_port, need
from vaxel.media.dtmf import goertzel_power

SAMPLE_RATE = 8000
START_ATTEMPTS = 5
"""Starts on fresh ports when another process took a picked one first."""
STARTUP_S = 30.0
"""How long baresip may take to answer on its control port (seconds at load 15)."""


def write_tone(path: Path, frequency: float, seconds: float, amplitude: int = 9000) -> None:
    import math

    count = int(SAMPLE_RATE * seconds)
    samples = array.array(
        "h",
        (
            int(amplitude * math.sin(2 * math.pi * frequency * n / SAMPLE_RATE))
            for n in range(count)
        ),
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(samples.tobytes())


def read_wav(path: Path) -> tuple[list[int], int]:
    with wave.open(str(path)) as recording:
        rate = recording.getframerate()
        channels = recording.getnchannels()
        frames = array.array("h", recording.readframes(recording.getnframes()))
    return list(frames[::channels]), rate


def rms(samples: list[int]) -> float:
    return (sum(s * s for s in samples) / max(1, len(samples))) ** 0.5


def tone_share(samples: list[int], frequency: float, rate: int) -> float:
    """The best share of ``frequency`` in any 200 ms window (robust to where the tone is)."""
    window = rate // 5
    return max(
        (
            goertzel_power(samples[i : i + window], frequency, rate)
            for i in range(0, max(1, len(samples) - window), window)
        ),
        default=0.0,
    )


@dataclass
class Robot:
    name: str
    directory: Path
    sip_port: int
    ctrl_port: int
    process: asyncio.subprocess.Process | None = None

    @property
    def heard(self) -> Path:
        """What the robot heard: baresip's sndfile module dumps the decoded audio."""
        dumps = sorted(self.directory.glob("dump-*-dec.wav"))
        if not dumps:
            raise AssertionError(f"robot {self.name} recorded nothing (no RTP reached it)")
        return dumps[-1]

    @classmethod
    async def start(cls, base: Path, name: str, account: str, tone_hz: float) -> Robot:
        """Start baresip in ``base/name``. Its SIP and control ports are picked free but
        bound only by baresip, so another process can take one in between (seen under
        load: "tcp: sock_bind: Address already in use"): then it starts again on others."""
        directory = base / name
        directory.mkdir(parents=True)
        write_tone(directory / "say.wav", tone_hz, 60.0)
        (directory / "accounts").write_text(account + "\n")
        for _attempt in range(START_ATTEMPTS):
            robot = cls(name, directory, free_sip_port(), free_port(socket.SOCK_STREAM))
            if await robot._launch():
                return robot
            log = (directory / "log").read_text(errors="replace")
            if "Address already in use" not in log:
                raise RuntimeError(f"baresip {name} did not start: {log}")
        raise RuntimeError(f"baresip {name} found no free ports: {log}")

    async def _launch(self) -> bool:
        """Run baresip with this robot's ports; False when it exited before answering."""
        directory = self.directory
        (directory / "config").write_text(
            "\n".join(
                [
                    f"sip_listen 127.0.0.1:{self.sip_port}",
                    f"snd_path {directory}",
                    f"audio_source aufile,{directory / 'say.wav'}",
                    f"audio_alert aufile,{directory / 'alert.wav'}",
                    "module_path /usr/lib/baresip/modules",
                    "module stdio.so",
                    "module g711.so",
                    "module aufile.so",
                    "module sndfile.so",
                    "module_app account.so",
                    "module_app menu.so",
                    "module_app ctrl_tcp.so",
                    f"ctrl_tcp_listen 127.0.0.1:{self.ctrl_port}",
                    "audio_buffer 20-160",
                    "",
                ]
            )
        )
        self.process = await asyncio.create_subprocess_exec(
            need("baresip"),
            "-f",
            str(directory),
            stdin=asyncio.subprocess.PIPE,
            stdout=(directory / "log").open("wb"),
            stderr=asyncio.subprocess.STDOUT,
        )
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            try:
                await self.command("help")
                return True
            except OSError:
                if self.process.returncode is not None:
                    return False
                await asyncio.sleep(0.05)
        await self.stop()
        raise RuntimeError(
            f"baresip {self.name} did not answer in {STARTUP_S:.0f} s: "
            + (directory / "log").read_text(errors="replace")
        )

    async def command(self, command: str, params: str = "") -> dict[str, object]:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.ctrl_port)
        body = json.dumps({"command": command, "params": params, "token": self.name}).encode()
        writer.write(str(len(body)).encode() + b":" + body + b",")
        await writer.drain()
        data = b""
        while b'"response":true' not in data:
            chunk = await asyncio.wait_for(reader.read(65536), 5)
            if not chunk:
                break
            data += chunk
        writer.close()
        start = data.find(b'{"response"')
        end = data.find(b"},", start)
        return json.loads(data[start : end + 1]) if start >= 0 else {}

    async def keys(self, keys: str) -> None:
        """Press keys on the console: digits during a call go out as RFC 4733 DTMF."""
        assert self.process is not None and self.process.stdin is not None
        for key in keys:
            self.process.stdin.write(key.encode())
            await self.process.stdin.drain()
            await asyncio.sleep(0.25)

    async def stop(self) -> str:
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(OSError):
                await self.command("quit")
            try:
                await asyncio.wait_for(self.process.wait(), 5)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        return (self.directory / "log").read_text(errors="replace")
