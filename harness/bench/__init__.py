"""Bench (see its issue); subcommands in commands.py."""
