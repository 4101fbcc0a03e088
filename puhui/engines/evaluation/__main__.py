"""python -m puhui.engines.evaluation --values V [--set S] [--year Y] --out OUT"""

import sys

from .cli import main

sys.exit(main())
