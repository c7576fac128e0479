"""`sva person export` and `sva person erase` as an administrator runs them."""

from __future__ import annotations

import json
from pathlib import Path

from storage.sealing import parse_keys
from tests.integration.cli.test_cli_contracts import sva
from tests.integration.cli.test_cli_files import people


def test_export_then_erase_through_the_command_line(tmp_path: Path, database_url: str) -> None:
    people(tmp_path, database_url)
    exported = sva(
        "person", "export", "sw1", "--out", "sar", cwd=tmp_path, database_url=database_url
    )
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.splitlines() == ["wrote sar/sw1.json", "wrote sar/sw1.md"]
    assert json.loads((tmp_path / "sar" / "sw1.json").read_text())["people"][0]["name"] == "Sara"
    refused = sva("person", "erase", "sw1", cwd=tmp_path, database_url=database_url)
    assert refused.returncode == 2 and "add --yes" in refused.stderr
    erased = sva("person", "erase", "sw1", "--yes", cwd=tmp_path, database_url=database_url)
    assert erased.returncode == 0, erased.stderr
    assert "people: deleted: 1 row(s)" in erased.stdout
    assert "sessions: replaced: 1 row(s)" in erased.stdout
    assert erased.stdout.splitlines()[-1].startswith("erased sw1; records kept for the case file")
    again = sva(
        "person", "export", "sw1", "--out", "again", cwd=tmp_path, database_url=database_url
    )
    left = json.loads((tmp_path / "again" / "sw1.json").read_text())
    assert again.returncode == 0 and [t for t, rows in left.items() if rows] == ["audit_log"]
    unknown = sva("person", "erase", "nobody", "--yes", cwd=tmp_path, database_url=database_url)
    assert unknown.returncode == 1 and unknown.stderr.strip() == "nothing is held about nobody"


def test_purge_dry_run_counts_and_removes_nothing(tmp_path: Path, database_url: str) -> None:
    people(tmp_path, database_url)
    dry = sva("db", "purge", "--dry-run", cwd=tmp_path, database_url=database_url)
    assert dry.returncode == 0, dry.stderr
    assert "would remove wellbeing check-ins: 0" in dry.stdout.splitlines()
    assert dry.stdout.splitlines()[-1] == "leavers erased: 0 (dry run: would be)"
    done = sva("db", "purge", cwd=tmp_path, database_url=database_url)
    assert done.returncode == 0 and "removed sent messages: 0" in done.stdout
    trail = sva("audit", "--json", cwd=tmp_path, database_url=database_url).stdout
    vias = [json.loads(line)["via"] for line in trail.splitlines()]
    assert "cli:db purge --dry-run" in vias and "cli:db purge" in vias


def test_a_plain_database_is_sealed_by_rotate_key_and_opens_only_with_the_key(
    tmp_path: Path,
) -> None:
    database = tmp_path / "sva.db"
    plain = f'[database]\nurl = "sqlite:///{database}"\n'
    (tmp_path / "sva.toml").write_text(plain)
    assert sva("db", "init", cwd=tmp_path).returncode == 0
    lines = ["/checkin", "ROTATEMARK my week", "skip", "skip", "skip", "skip", "6"]
    sva("chat", "--user", "alice", "--json", stdin="\n".join(lines) + "\n", cwd=tmp_path)
    assert b"ROTATEMARK" in database.read_bytes() + _wal(database)
    entry = sva("db", "new-key", "--id", "k1", cwd=tmp_path).stdout.strip()
    assert entry.startswith("k1:")
    (tmp_path / "sva.toml").write_text(plain + f'[encryption]\nkeys = "{entry}"\n')
    rotated = sva("db", "rotate-key", "--batch", "1", cwd=tmp_path)
    assert rotated.returncode == 0, rotated.stderr
    assert "conversations.data: 1 re-sealed" in rotated.stdout
    assert rotated.stdout.splitlines()[-1] == "every value is sealed with key k1"
    (row,) = [
        json.loads(line)
        for line in sva("audit", "--json", cwd=tmp_path).stdout.splitlines()
        if json.loads(line)["via"] == "cli:db rotate-key"
    ]
    assert (row["record_kind"], row["record_id"]) == ("keys", "rotate-key to k1")
    sva("db", "upgrade", cwd=tmp_path)  # a checkpoint: the WAL is folded into the file
    assert b"ROTATEMARK" not in database.read_bytes() + _wal(database)
    resumed = sva("chat", "--user", "alice", "--json", stdin="/agenda\n", cwd=tmp_path)
    assert resumed.returncode == 0
    (tmp_path / "sva.toml").write_text(plain)
    refused = sva("chat", "--user", "alice", "--json", stdin="/help\n", cwd=tmp_path)
    assert "ROTATEMARK" not in refused.stdout + refused.stderr


def _wal(database: Path) -> bytes:
    wal = database.with_name(database.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""


def test_keys_made_the_same_day_get_their_own_ids(tmp_path: Path) -> None:
    first, second = (sva("db", "new-key", cwd=tmp_path).stdout.strip() for _ in range(2))
    ids = [entry.split(":")[0] for entry in (first, second)]
    assert ids[0] != ids[1] and all(i.isalnum() and i.startswith("k") for i in ids)
    assert parse_keys(f"{first},{second}").current == ids[0]


def test_a_key_with_the_right_id_but_other_bytes_is_one_clear_line(tmp_path: Path) -> None:
    """Values sealed with k1 and a k1 that is not that key: chat says the keys are wrong
    (sending again will not help), the CLI says so in one line, neither shows a traceback."""
    plain = f'[database]\nurl = "sqlite:///{tmp_path / "sva.db"}"\n'
    first, other = (sva("db", "new-key", "--id", "k1", cwd=tmp_path).stdout.strip() for _ in "ab")
    (tmp_path / "sva.toml").write_text(plain + f'[encryption]\nkeys = "{first}"\n')
    assert sva("db", "init", cwd=tmp_path).returncode == 0
    lines = ["/checkin", "my week", "skip", "skip", "skip", "skip", "6"]
    sva("chat", "--user", "alice", "--json", stdin="\n".join(lines) + "\n", cwd=tmp_path)
    (tmp_path / "sva.toml").write_text(plain + f'[encryption]\nkeys = "{other}"\n')
    chat = sva("chat", "--user", "alice", "--json", stdin="/agenda\n", cwd=tmp_path)
    replies = [json.loads(line)["text"] for line in chat.stdout.splitlines()]
    assert any(r.startswith("Sorry, I can't open what is stored for you") for r in replies)
    assert "Traceback" not in chat.stderr
    export = sva("person", "export", "demo:alice", "--out", "x", cwd=tmp_path)
    assert export.returncode == 2 and "Traceback" not in export.stderr
    assert export.stderr.strip().endswith(
        "configure the key file that was in use when it was written"
    )
