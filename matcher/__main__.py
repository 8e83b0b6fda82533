"""`python -m matcher` runs the pathways-match command line."""

import sys

from matcher.cli import main

sys.exit(main())
