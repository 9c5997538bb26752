"""`python -m recourse …` is the same as the `recourse` command."""

from recourse.cli import main

main()
