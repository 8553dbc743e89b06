"""The command line: parses options and calls the library (`cleanpipe.cli:main` is the script)."""

from cleanpipe.cli.commands import cli, main

__all__ = ["cli", "main"]
