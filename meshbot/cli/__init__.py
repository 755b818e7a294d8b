"""The `meshbot` command, one module per command group."""
