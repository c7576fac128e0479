"""Encryption at rest of special-category fields (AES-256-GCM from `cryptography`).

A sealed column is stored as text: `sva1:<key id>:<base64 of nonce + ciphertext>`, where the
column's own name is the associated data (a value copied into another column does not open).
The keys come from the configuration (environment or key file), never from the database; the
`Keyring` is attached to the engine's dialect by `storage.db.create_engine`, so each engine
seals with its own keys and nothing is global.

Without a key, values are stored as plain text (the console demo). A plain value that happens
to begin with a sealed prefix is stored behind `sva0:` so it can never be mistaken for one.
`storage.rekey` re-encrypts old values under the current key.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Dialect, Text
from sqlalchemy.types import TypeDecorator

from storage.errors import StorageError

SEALED = "sva1:"
PLAIN = "sva0:"
NONCE = 12


class SealError(StorageError):
    """A sealed value cannot be opened: its key is not configured, or it was tampered with."""


@dataclass(frozen=True, slots=True)
class Keyring:
    """Data keys by id; `current` seals, every key opens. Empty: values are stored plain."""

    keys: dict[str, bytes] = field(default_factory=dict)
    current: str | None = None
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for key_id, key in self.keys.items():
            if len(key) != 32 or not key_id.isalnum():
                raise ValueError(f"data key {key_id!r}: need an alphanumeric id and 32 bytes")
            self._ciphers[key_id] = AESGCM(key)
        if self.current is not None and self.current not in self.keys:
            raise ValueError(f"current data key {self.current!r} is not among the keys")

    @property
    def enabled(self) -> bool:
        return self.current is not None

    def seal(self, text: str, column: str) -> str:
        """The stored form of `text` for `column`: sealed under the current key, or plain."""
        if self.current is None:
            return PLAIN + text if text.startswith((SEALED, PLAIN)) else text
        nonce = os.urandom(NONCE)
        sealed = self._ciphers[self.current].encrypt(nonce, text.encode(), column.encode())
        return f"{SEALED}{self.current}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, stored: str, column: str) -> str:
        """The text of a stored value, whichever key (or none) sealed it."""
        if stored.startswith(PLAIN):
            return stored[len(PLAIN) :]
        if not stored.startswith(SEALED):
            return stored  # stored before encryption was configured
        key_id, _, payload = stored[len(SEALED) :].partition(":")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise SealError(f"{column}: sealed with data key {key_id!r}, which is not configured")
        try:
            raw = base64.b64decode(payload, validate=True)
            return cipher.decrypt(raw[:NONCE], raw[NONCE:], column.encode()).decode()
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise SealError(f"{column}: a sealed value does not open with key {key_id!r}") from exc

    def sealed_with_current(self, stored: str) -> bool:
        """Whether `stored` is already sealed under the current key (rotation skips it)."""
        if self.current is None:
            return not stored.startswith(SEALED)
        return stored.startswith(f"{SEALED}{self.current}:")


def keyring_of(dialect: Dialect) -> Keyring:
    """The keyring `storage.db.create_engine` attached to this engine's dialect."""
    keyring: Keyring = getattr(dialect, "sva_keyring", NO_KEYS)
    return keyring


NO_KEYS = Keyring()


class SealedText(TypeDecorator[str]):
    """A text column whose values are sealed with the engine's keyring."""

    impl = Text
    cache_ok = True

    def __init__(self, column: str) -> None:
        super().__init__()
        self.column = column

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else keyring_of(dialect).seal(value, self.column)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else keyring_of(dialect).open(value, self.column)


class SealedJson(TypeDecorator[Any]):
    """A JSON value (dict, list) kept as sealed text: no JSON operator can see inside it."""

    impl = Text
    cache_ok = True

    def __init__(self, column: str) -> None:
        super().__init__()
        self.column = column

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return keyring_of(dialect).seal(text, self.column)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(keyring_of(dialect).open(value, self.column))


def parse_keys(text: str) -> Keyring:
    """A keyring from "ID:BASE64" entries (lines or commas; `#` starts a comment); the first
    entry is the current key. Empty text: no keys.

    Raises:
        ValueError: an entry is malformed (the message never contains key material).
    """
    keys: dict[str, bytes] = {}
    numbers: dict[str, int] = {}
    entries = [e.split("#")[0].strip() for line in text.splitlines() for e in line.split(",")]
    for number, entry in enumerate((e for e in entries if e), start=1):
        key_id, _, encoded = entry.partition(":")
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except binascii.Error:
            key = b""
        key_id = key_id.strip()
        if len(key) != 32 or not key_id.isalnum():
            raise ValueError(f"data key entry {number}: expected ID:BASE64 of 32 bytes")
        if key_id in numbers:  # one id for two keys: values sealed with one would not open
            raise ValueError(
                f"data key entries {numbers[key_id]} and {number} are both named {key_id!r}: "
                f"what was sealed while both were listed used entry {number}'s key, so keep "
                f"that one's id and give entry {numbers[key_id]} a new one (sva db new-key "
                "makes keys with ids of their own)"
            )
        keys[key_id], numbers[key_id] = key, number
    return Keyring(keys=keys, current=next(iter(keys), None))


def new_key_entry(key_id: str) -> str:
    """A fresh "ID:BASE64" entry for a key file or SVA_DATA_KEYS."""
    return f"{key_id}:{base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()}"
