"""Sealing values at rest: what a stored value looks like, and what refuses to open."""

from __future__ import annotations

import pytest

from storage.sealing import Keyring, SealError, new_key_entry, parse_keys

OLD, NEW = parse_keys(new_key_entry("old")), parse_keys(new_key_entry("new"))


def both() -> Keyring:
    return Keyring(keys={**NEW.keys, **OLD.keys}, current="new")


def test_a_sealed_value_shows_nothing_of_its_text_and_opens_again() -> None:
    stored = OLD.seal("my divorce", "wellbeing_checkins.answers")
    assert stored.startswith("sva1:old:")
    assert "divorce" not in stored
    assert OLD.open(stored, "wellbeing_checkins.answers") == "my divorce"
    assert OLD.seal("my divorce", "wellbeing_checkins.answers") != stored  # fresh nonce


def test_a_value_moved_to_another_column_or_altered_does_not_open() -> None:
    stored = OLD.seal("my divorce", "wellbeing_checkins.answers")
    with pytest.raises(SealError, match="does not open"):
        OLD.open(stored, "outbox.text")
    tampered = stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB")
    with pytest.raises(SealError, match="does not open"):
        OLD.open(tampered, "wellbeing_checkins.answers")


def test_a_missing_key_is_named_without_any_key_material() -> None:
    stored = OLD.seal("x", "outbox.text")
    with pytest.raises(SealError, match="key 'old', which is not configured"):
        NEW.open(stored, "outbox.text")


def test_after_rotation_both_keys_open_and_the_new_one_seals() -> None:
    keyring = both()
    assert keyring.open(OLD.seal("a", "c"), "c") == "a"
    assert keyring.seal("a", "c").startswith("sva1:new:")
    assert keyring.sealed_with_current(keyring.seal("a", "c"))
    assert not keyring.sealed_with_current(OLD.seal("a", "c"))


def test_without_keys_text_is_plain_and_never_mistaken_for_a_sealed_value() -> None:
    plain = Keyring()
    assert plain.seal("hello", "c") == "hello"
    tricky = plain.seal("sva1:old:AAAA", "c")
    assert tricky == "sva0:sva1:old:AAAA"
    assert plain.open(tricky, "c") == "sva1:old:AAAA"
    assert OLD.open(plain.seal("sva0:x", "c"), "c") == "sva0:x"


@pytest.mark.parametrize(
    "text",
    ["k1", "k1:bm90IGEga2V5", "bad id!:" + new_key_entry("k").split(":")[1], "k1:%%%"],
)
def test_malformed_key_entries_are_refused_without_echoing_them(text: str) -> None:
    with pytest.raises(ValueError, match="entry 1: expected ID:BASE64 of 32 bytes") as caught:
        parse_keys(text)
    assert text.split(":")[-1] not in str(caught.value) or ":" not in text


def test_the_first_entry_is_current_and_comments_are_ignored() -> None:
    first, second = new_key_entry("k2"), new_key_entry("k1")
    keyring = parse_keys(f"# keys\n{first}\n{second}  # retired\n")
    assert keyring.current == "k2"
    assert set(keyring.keys) == {"k1", "k2"}
    assert parse_keys("").enabled is False


def test_two_keys_with_one_id_are_refused() -> None:
    """Two keys made the same day were both `kYYYYMMDD`: rotation then changed nothing and
    retiring the old key left every value unreadable."""
    new, old = new_key_entry("k20261127"), new_key_entry("k20261127")
    with pytest.raises(ValueError, match="entries 1 and 2 are both named 'k20261127'") as caught:
        parse_keys(f"{new},{old}")
    assert new.split(":")[1] not in str(caught.value) and old.split(":")[1] not in str(caught.value)
