"""The command line: `python -m loyalty_model <subcommand>`, the product's work without the UI.

One module per subcommand, each reading its inputs, calling the core and printing; `inputs` holds
what they share. It may import every other part of the core; nothing imports it.
"""

from loyalty_model.cli.main import main

__all__ = ["main"]
