"""CLI subcommands of this package (registered by align.cli)."""


def register(sub) -> None:
    """Add this package's subcommands to the aligntm argument parser (SUB: its subparsers)."""
