"""`python -m statusbot`: the same as the `statusbot` command."""

from statusbot.cli import main

main()
