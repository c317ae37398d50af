"""`python -m dlquiz`."""

from dlquiz.cli import main

main()
