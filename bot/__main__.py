"""`python -m bot …` is the `thidua` command (handy in a checkout without installing)."""

import sys

from bot.cli import main

sys.exit(main())
