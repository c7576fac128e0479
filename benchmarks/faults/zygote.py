"""A process that has imported everything `sva` needs and forks real `sva` commands on demand.

Starting `sva serve` takes about a second of imports; a fault suite that kills a thousand
processes would spend most of its time importing. The zygote imports once and forks: each
child runs the real command line (`bot.cli.main.app`) with its own event loop, engine and
connections, exactly as `sva serve …` would, and is killed with SIGKILL like any process.
The zygote itself never opens the database, starts a thread or runs an event loop.

Protocol (stdin/stdout, one line each): `ARGS…` (shell-split) → the child's pid. With
`--status FILE` first, the child writes its exit code to FILE as it exits (the zygote reaps its
children automatically, so nobody can wait for a status). With `--stdio IN OUT` first (two
FIFOs), the child reads its standard input from IN and writes its standard output to OUT, as
`sva chat` at a terminal would (each open waits for the other end).
"""

from __future__ import annotations

import os
import shlex
import signal
import sys


def _child(args: list[str], log: str, status: str | None, stdio: list[str] | None) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    logged = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    stdin = os.open(stdio[0] if stdio else os.devnull, os.O_RDONLY)
    os.dup2(stdin, 0)
    os.dup2(os.open(stdio[1], os.O_WRONLY) if stdio else logged, 1)
    os.dup2(logged, 2)
    code = 0
    try:
        from bot.cli.main import app

        app(args, prog_name="sva")
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0
    except BaseException:  # report, never return into the zygote's loop
        import traceback

        traceback.print_exc()
        code = 1
    if status is not None:
        with open(status, "w") as written:
            written.write(str(code))
    os._exit(code)


def main() -> None:
    # Import what the children use, so a fork starts warm.
    import psycopg  # noqa: F401

    import bot.channels.slack.channel
    import bot.channels.teams.channel
    import bot.channels.telegram.channel
    import bot.cli.main  # noqa: F401

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    log = sys.argv[1]
    print("ready", flush=True)
    for line in sys.stdin:
        args = shlex.split(line)
        if not args:
            continue
        status = stdio = None
        if args[0] == "--status":
            status, args = args[1], args[2:]
        if args[0] == "--stdio":
            stdio, args = args[1:3], args[3:]
        pid = os.fork()
        if pid == 0:
            _child(args, log, status, stdio)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
