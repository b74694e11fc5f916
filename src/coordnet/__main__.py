"""``python -m coordnet``: the same as the ``coordnet`` command."""

from coordnet.cli import main

main(prog_name="coordnet")
