"""`python -m assess`: the command line."""

from assess.cli.main import main

main()
