"""``python -m kg_connect``: the ``kg-connect`` command line."""

import sys

from kg_connect.cli import main

sys.exit(main())
