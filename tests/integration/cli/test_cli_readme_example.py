"""The worked sixth council in policies/README.md, run as written: every `$ sva ...` line of
its shell blocks is run in a fresh folder (with the file the README says is there at that
step) and prints what the README quotes ("..." stands for lines left out)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.unit.policies.test_readme_example import README, example

BIN = Path(sys.executable).parent


def steps() -> list[tuple[str, list[str]]]:
    """Each command of the worked example's shell blocks with the output quoted under it."""
    text = README.read_text(encoding="utf-8").split("## Worked example", 1)[1]
    found: list[tuple[str, list[str]]] = []
    for body in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in body.rstrip("\n").split("\n"):
            if line.startswith("$ "):
                found.append((line[2:], []))
            else:
                found[-1][1].append(line)
    return found


def run(command: str, cwd: Path) -> list[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("SVA_DATABASE_URL", None)
    done = subprocess.run(
        ["bash", "-c", f"{command} 2>&1"], cwd=cwd, env=env, capture_output=True, text=True
    )
    return done.stdout.rstrip("\n").split("\n") if done.stdout.strip() else []


def quoted(got: list[str], expected: list[str]) -> bool:
    """`got` is what the README quotes, reading a "..." line as any lines."""
    parts = [re.escape(line) + "\n" if line != "..." else "(?:.*\n)*" for line in expected]
    return re.fullmatch("".join(parts), "".join(f"{line}\n" for line in got)) is not None


def test_every_command_of_the_worked_example_prints_what_the_readme_says(tmp_path: Path) -> None:
    example(tmp_path)  # the published text, the pack and the override, from the README
    draft = tmp_path / "packs" / "anytown.toml"
    override = tmp_path / "local" / "anytown.toml"
    pack, decided = draft.read_text(), override.read_text()
    override.unlink()
    typo = pack.replace('roles = ["family_practitioner"]', 'roles = ["family_worker"]')
    wrong_cite = pack.replace("2.3 (line 9)", "2.3 (line 7)")
    assert typo != pack and wrong_cite != pack
    # What the README says is in the folder before each command (by the command's index).
    before = {2: None, 3: typo, 4: wrong_cite, 6: pack, 7: pack}
    commands = steps()
    assert [c.split(" --")[0] for c, _ in commands] == [
        "mkdir -p packs local texts",
        ": > packs/anytown.toml",
        "sva policy check",
        "sva policy check",
        "sva policy check",
        "# (after correcting the cite to line 9)",
        "sva policy check",
        "sva policy check",
        commands[8][0].split(" --")[0],
        commands[9][0].split(" --")[0],
        "sva policy show anytown",
    ]
    for index, (command, expected) in enumerate(commands):
        if command.startswith("#"):
            continue
        if before.get(index) is not None:
            draft.write_text(str(before[index]))
        if index == 7:
            override.write_text(decided)
        got = run(command, tmp_path)
        assert quoted(got, expected), (command, got, expected)
