"""Long messages are split at line breaks, within the limit, losing nothing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.text_split import split_text


def test_short_text_is_one_piece() -> None:
    assert split_text("hello", 10) == ["hello"]


def test_a_cut_falls_after_a_line_break() -> None:
    pieces = split_text("aaaa\nbbbb\ncccc", 10)
    assert pieces == ["aaaa\nbbbb\n", "cccc"]


def test_a_line_longer_than_the_limit_is_cut_at_a_space_then_anywhere() -> None:
    assert split_text("aaaa bbbb cccc", 10) == ["aaaa bbbb ", "cccc"]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_pieces_fit_and_join_back_to_the_text(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    assert all(len(p) <= limit for p in pieces)
