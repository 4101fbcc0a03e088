"""python -m puhui.engines.assessment --criteria C --facts F [--manual M] --out OUT"""

import sys

from .cli import main

sys.exit(main())
