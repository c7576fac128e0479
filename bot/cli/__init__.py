"""The `sva` command line: one module per command group, each a thin Typer layer over
`bot.assistant` and `bot.operations`."""
