"""Loading prompt audio by id, tenant uploads first, the built-in set second."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

__all__ = ["ALIASES", "BUILTIN_ROOT", "UPLOAD_PREFIX", "PromptLibrary", "UnknownPrompt"]

BUILTIN_ROOT = Path(__file__).parent
UPLOAD_PREFIX = "tenant/"
"""Uploaded prompts' ids start with this (``tenant/<tenant_id>/<name>``); none built in do."""

ALIASES: Mapping[str, str] = {
    "music_on_hold": "music/default",
    "music/exempelby": "music/default",
}
"""Built-in ids that play another id's audio: the file is shipped once (the built-in set has a
size budget), the ids stay, so a root that holds its own file for an alias still wins."""


class UnknownPrompt(KeyError):
    """No audio file for a prompt id; the message names it and where we looked."""

    def __init__(self, prompt_id: str, roots: Iterable[Path | str]) -> None:
        self.prompt_id = prompt_id
        where = ", ".join(str(r) for r in roots)
        super().__init__(f"no prompt file for {prompt_id!r} (looked in {where})")


class PromptLibrary:
    """µ-law prompt bytes by id; ``roots`` are searched in order, the built-in set last.

    ``uploads`` looks up a tenant's uploaded prompts (ids ``tenant/<tenant_id>/<name>``,
    stored in the database, ADM1); it returns None for an id it does not know.
    """

    def __init__(
        self, roots: Iterable[Path] = (), uploads: Callable[[str], bytes | None] | None = None
    ) -> None:
        self.roots = [*roots, BUILTIN_ROOT]
        self.uploads = uploads
        self._cache: dict[str, bytes] = {}

    def path(self, prompt_id: str) -> Path:
        if not prompt_id or ".." in prompt_id or prompt_id.startswith("/"):
            raise UnknownPrompt(prompt_id, self.roots)
        for root in self.roots:
            candidate = root / f"{prompt_id}.ulaw"
            if candidate.is_file():
                return candidate
        if prompt_id in ALIASES:
            return self.path(ALIASES[prompt_id])
        raise UnknownPrompt(prompt_id, self.roots)

    def load(self, prompt_id: str) -> bytes:
        audio = self._cache.get(prompt_id)
        if audio is None and self.uploads is not None and prompt_id.startswith(UPLOAD_PREFIX):
            audio = self.uploads(prompt_id)
            if audio is None:
                raise UnknownPrompt(prompt_id, ["the tenant's uploaded prompts"])
            self._cache[prompt_id] = audio
        if audio is None:
            audio = self.path(prompt_id).read_bytes()
            self._cache[prompt_id] = audio
        return audio

    def duration_ms(self, prompt_id: str) -> int:
        return len(self.load(prompt_id)) // 8

    def exists(self, prompt_id: str) -> bool:
        if prompt_id in self._cache:
            return True
        try:
            self.load(prompt_id)  # cached from now on: calls check prompts on every play
        except (UnknownPrompt, OSError):
            return False
        return True

    def hold(self, prompt_id: str, audio: bytes) -> None:
        """Play ``audio`` under ``prompt_id`` until forgotten (a take recorded by phone,
        heard back before it is saved)."""
        self._cache[prompt_id] = audio

    def forget(self, prompt_id: str) -> None:
        """Drop a cached prompt (after an admin replaced or removed it)."""
        self._cache.pop(prompt_id, None)

    def builtin_ids(self) -> list[str]:
        """Every built-in prompt id ("sv/stangt", "en/num/5", "music/default" …), sorted."""
        files = {
            path.relative_to(BUILTIN_ROOT).with_suffix("").as_posix()
            for path in BUILTIN_ROOT.rglob("*.ulaw")
        }
        return sorted(files | set(ALIASES))
