"""`python -m loyalty_model`: the product's work without the UI."""

from loyalty_model.cli import main

raise SystemExit(main())
