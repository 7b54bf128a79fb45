"""A tenant's prompts as the admin manages them (IVR5, ADM1, ADM3): upload, listen, remove.

Uploads are converted to 8 kHz µ-law (:func:`vaxel.prompts.convert.convert_upload`), stored
in the database under ``tenant/<tenant_id>/<name>`` and announced as a ``prompt`` change, so
the running prompt library drops its cached copy and the next call plays the new recording
(Q20). Uploading again under the same name replaces the recording and keeps the id, so
flows and schedules that play it need no edit. An upload still played by a flow, schedule or
queue cannot be removed: the caller would hear silence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

from vaxel.core.errors import ConfigError, NotFound
from vaxel.prompts.convert import convert_upload
from vaxel.prompts.library import PromptLibrary, UnknownPrompt
from vaxel.runtime.configuration import Configuration
from vaxel.store.prompts import PromptUploads, UploadedPrompt, upload_id, upload_tenant
from vaxel.store.repositories import UnknownDocument

__all__ = ["PromptError", "TenantPrompts", "UnknownUpload", "prompt_name_slug"]

MAX_NAME = 64
_USERS = ("flow", "schedule", "queue")
"""Document kinds that may name a prompt to play."""


class PromptError(ConfigError):
    """An upload or removal the rules refuse, with ``ConfigError``'s rule code and
    parameters (issue 12 §4): ``prompt-name`` (``max``), ``prompt-in-use`` (``users``: what
    plays it, as ``kind:id`` joined by ", ")."""


class UnknownUpload(NotFound):
    """No uploaded prompt with that id in the tenant (another tenant's is unknown too)."""

    kind = "prompt"
    code = "unknown-upload"


def prompt_name_slug(name: str) -> str:
    """The id part of an upload's name: "Välkommen till oss!" → "valkommen-till-oss"."""
    plain = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:48].strip("-")


class TenantPrompts:
    def __init__(
        self,
        configuration: Configuration,
        library: PromptLibrary | None = None,
        convert: Callable[..., bytes] = convert_upload,
    ) -> None:
        self.configuration = configuration
        self.library = library or PromptLibrary()
        self.uploads = PromptUploads(configuration.database)
        self.convert = convert

    def builtin_ids(self) -> list[str]:
        return self.library.builtin_ids()

    def uploaded(self, tenant_id: str) -> list[UploadedPrompt]:
        return self.uploads.all(tenant_id)

    def upload(
        self, tenant_id: str, name: str, filename: str, data: bytes, now: float, max_bytes: int
    ) -> str:
        """Convert and store an upload (replacing one of the same name); returns its id.
        Raises ``PromptConversionError`` for a file that is no usable WAV/MP3 — nothing is
        stored then."""
        name = name.strip()
        slug = prompt_name_slug(name)
        if not slug or len(name) > MAX_NAME:
            raise PromptError("name", "prompt-name", max=MAX_NAME)
        audio = self.convert(data, filename, max_bytes=max_bytes)
        prompt_id = upload_id(tenant_id, slug)
        self.uploads.put(tenant_id, prompt_id, name, audio, now)
        self.configuration.changed(tenant_id, "prompt", prompt_id)
        return prompt_id

    def audio(self, tenant_id: str, prompt_id: str) -> bytes:
        """µ-law audio of a built-in prompt or of this tenant's upload (never another's)."""
        owner = upload_tenant(prompt_id)
        if owner:
            if owner != tenant_id:
                raise UnknownPrompt(prompt_id, ["the tenant's uploaded prompts"])
            try:
                return self.uploads.audio(tenant_id, prompt_id)
            except UnknownDocument:
                raise UnknownPrompt(prompt_id, ["the tenant's uploaded prompts"]) from None
        return self.library.load(prompt_id)

    def users(self, tenant_id: str, prompt_id: str) -> tuple[str, ...]:
        """What plays the prompt: ``kind:id`` of each flow, schedule or queue naming it."""
        found = []
        for kind in _USERS:
            for object_id, document in self.configuration.documents(kind).all(tenant_id).items():
                if prompt_id in _strings(document):
                    found.append(f"{kind}:{object_id}")
        return tuple(found)

    def undo(self, tenant_id: str, prompt_id: str, now: float) -> None:
        """Back to the recording a phone recording replaced; UnknownUpload without one."""
        if upload_tenant(prompt_id) != tenant_id or not self.uploads.undo(
            tenant_id, prompt_id, now
        ):
            raise UnknownUpload(prompt_id, tenant_id)
        self.configuration.changed(tenant_id, "prompt", prompt_id)

    def remove(self, tenant_id: str, prompt_id: str) -> None:
        if upload_tenant(prompt_id) != tenant_id or self.uploads.lookup(prompt_id) is None:
            raise UnknownUpload(prompt_id, tenant_id)
        users = self.users(tenant_id, prompt_id)
        if users:
            raise PromptError("id", "prompt-in-use", users=", ".join(users))
        self.uploads.remove(tenant_id, prompt_id)
        self.configuration.changed(tenant_id, "prompt", prompt_id)


def _strings(value: Any) -> Iterator[str]:
    """Every string in a JSON document: prompt ids may sit at any depth of a flow."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
