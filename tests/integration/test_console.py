"""The console channel as a person or a script uses it: the installed `sva` command."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SVA = str(Path(sys.executable).with_name("sva"))
TIMEOUT = 60


def sva_env(database_url: str) -> dict[str, str]:
    return {**os.environ, "SVA_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}


def run_json(
    database_url: str, cwd: Path, lines: list[str], user: str = "alice"
) -> list[dict[str, Any]]:
    result = subprocess.run(
        [SVA, "chat", "--user", user, "--json"],
        input="".join(f"{line}\n" for line in lines).encode(),
        capture_output=True,
        env=sva_env(database_url),
        cwd=cwd,
        timeout=TIMEOUT,
        check=True,
    )
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


class LiveChat:
    """A running `sva chat --json` answered one line at a time."""

    def __init__(self, database_url: str, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [SVA, "chat", "--user", "alice", "--json"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=sva_env(database_url),
            cwd=cwd,
        )

    def ask(self, line: str) -> dict[str, Any]:
        """Send a line; return the message that asks for the next answer (its acknowledgement)."""
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(f"{line}\n".encode())
        self.process.stdin.flush()
        while True:
            raw = self.process.stdout.readline()
            assert raw, "sva chat stopped answering"
            message: dict[str, Any] = json.loads(raw)
            if message["expects"] != "none":
                return message

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(TIMEOUT)
        self.close_pipes()

    def finish(self, lines: bytes) -> str:
        """Send the last lines, end stdin, and return everything still to be printed."""
        output = self.process.communicate(lines, timeout=TIMEOUT)[0].decode()
        self.close_pipes()
        return output

    def close_pipes(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe:
                pipe.close()


def test_the_json_contract(database_url: str, tmp_path: Path) -> None:
    messages = run_json(database_url, tmp_path, ["/prep CR-1 adhoc", "w", "ww", "d", "skip", "2"])
    assert [set(m) for m in messages] == [{"text", "choices", "expects", "dialog", "state"}] * len(
        messages
    )
    hold = messages[-2]
    assert hold["state"] == "hold" and hold["expects"] == "choice"
    assert hold["choices"] == [
        {"label": "Yes: I can hold the case until my next scheduled supervision", "value": "yes"},
        {"label": "No: I need ad hoc supervision before then", "value": "no"},
    ]
    assert messages[-1]["state"] == "key_dates" and messages[-1]["dialog"] == "prep"


def test_every_line_gets_at_least_one_message_even_bad_ones(
    database_url: str, tmp_path: Path
) -> None:
    lines = ["", "x" * 20_000, "/nonsense", "/prep", "\x07", "☃ ‮", "/help"]
    result = subprocess.run(
        [SVA, "chat", "--user", "alice", "--json"],
        input=b"".join(f"{line}\n".encode() for line in lines) + b"\xff\xfe not utf-8\n",
        capture_output=True,
        env=sva_env(database_url),
        cwd=tmp_path,
        timeout=TIMEOUT,
        check=True,
    )
    messages = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(messages) == len(lines) + 1
    assert messages[-1]["text"].startswith("That message isn't valid UTF-8")


def test_an_answer_acknowledged_before_sigkill_is_never_lost(
    database_url: str, tmp_path: Path
) -> None:
    first = LiveChat(database_url, tmp_path)
    first.ask("/prep CR-77")
    first.ask("Worry typed before the crash")
    acknowledged = first.ask("Working well typed before the crash")
    assert acknowledged["state"] == "decided"
    first.kill()

    second = LiveChat(database_url, tmp_path)
    assert second.ask("Decision typed after the restart")["state"] == "support"
    for _ in range(5):  # 4, key dates, the child's voice, the rationale
        second.ask("skip")
    output = second.finish(b"confirm\n/agenda\n")
    agenda = json.loads(output.splitlines()[-1])["text"]
    for answer in [
        "Worry typed before the crash",
        "Working well typed before the crash",
        "Decision typed after the restart",
    ]:
        assert answer in agenda


def test_the_interactive_chat_repeats_a_pending_question_first(
    database_url: str, tmp_path: Path
) -> None:
    run_json(database_url, tmp_path, ["/prep CR-5", "worry"])
    result = subprocess.run(
        [SVA, "chat", "--user", "alice"],
        input=b"",
        capture_output=True,
        env=sva_env(database_url),
        cwd=tmp_path,
        timeout=TIMEOUT,
        check=True,
    )
    # Coming back, the person is told what the question is about before it is asked again.
    assert result.stdout.decode().startswith(
        "Back to your case preparation for CR-5 — question 2 of 8.\n\n"
        "2. This is what is working well:"
    )


def test_ctrl_c_ends_the_interactive_chat_at_once(database_url: str, tmp_path: Path) -> None:
    with subprocess.Popen(
        [SVA, "chat", "--user", "alice"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=sva_env(database_url),
        cwd=tmp_path,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(len("Supervision Assistant")) == b"Supervision Assistant"
        process.send_signal(signal.SIGINT)
        try:
            returncode = process.wait(timeout=5)  # stdin stays open: no Enter is needed
        finally:
            process.kill()
        assert returncode == 130
        assert b"Traceback" not in process.stderr.read()


def test_the_console_takes_bare_command_words_as_slack_direct_messages_do(
    database_url: str, tmp_path: Path
) -> None:
    replies = run_json(database_url, tmp_path, ["prep CR-5", "perp CR-5", "/perp CR-5"])
    assert replies[1]["state"] == "worrying"
    assert replies[-1]["text"].startswith("2. This is what is working well:")  # "perp CR-5": answer
    slashed = run_json(database_url, tmp_path, ["cancel", "/perp CR-5"], user="carol")
    assert "Did you mean /prep?" in slashed[-1]["text"]


def test_the_interactive_chat_numbers_choices(database_url: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [SVA, "chat", "--user", "bob"],
        input=b"/prep CR-5 adhoc\nw\nww\nd\nskip\n",
        capture_output=True,
        env=sva_env(database_url),
        cwd=tmp_path,
        timeout=TIMEOUT,
        check=True,
    )
    out = result.stdout.decode()
    assert out.startswith("Supervision Assistant. Type /help")
    assert (
        "  1. Yes: I can hold the case until my next scheduled supervision\n"
        "  2. No: I need ad hoc supervision before then"
    ) in out


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[assistant]\nmax_answer_chars = 'lots'\n", "bad.toml: assistant.max_answer_chars:"),
        (
            "[database]\nurl = 'sqlite:///x.db'\ncolour = 'blue'\n",
            "bad.toml: database.colour: Extra inputs",
        ),
        ("[assistant\n", "bad.toml: not valid TOML"),
        ("[assistant]\ndefault_policy = 'atlantis'\n", "no policy pack 'atlantis'"),
    ],
)
def test_a_bad_configuration_names_the_file_and_key(
    tmp_path: Path, toml: str, message: str
) -> None:
    (tmp_path / "bad.toml").write_text(toml)
    env = {k: v for k, v in os.environ.items() if k != "SVA_DATABASE_URL"}
    result = subprocess.run(
        [SVA, "chat", "--user", "alice", "--json", "--config", "bad.toml"],
        input=b"",
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=TIMEOUT,
    )
    assert result.returncode == 2
    assert message in result.stderr.decode()


def test_a_missing_named_configuration_is_an_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [SVA, "chat", "--json", "--config", "nowhere.toml"],
        input=b"",
        capture_output=True,
        cwd=tmp_path,
        timeout=TIMEOUT,
    )
    assert result.returncode == 2
    assert "nowhere.toml: no such configuration file" in result.stderr.decode()


def test_db_init_creates_the_default_sqlite_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SVA_DATABASE_URL"}
    result = subprocess.run(
        [SVA, "db", "init"], capture_output=True, cwd=tmp_path, env=env, timeout=TIMEOUT
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "sva.db").exists()
