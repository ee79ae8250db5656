"""Sandbox (see its issue); subcommands in commands.py."""
