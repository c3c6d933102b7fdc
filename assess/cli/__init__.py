"""The command line (`assess`, Typer): one module per group of commands."""
