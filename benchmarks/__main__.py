"""Run every benchmark with its default (full) size."""

from benchmarks import dialog_turns

dialog_turns.main()
