"""Command-line subcommands, one module per area; ``bot.cli`` wires them."""
