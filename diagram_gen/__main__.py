"""``python -m diagram_gen``: the same as the ``diagram-gen`` command."""

import sys

from diagram_gen.cli import main

sys.exit(main())
