"""`python -m localoffer_audit` is the same as the `localoffer-audit` command."""

import sys

from .cli import main

sys.exit(main())
