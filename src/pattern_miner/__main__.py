from __future__ import annotations

import sys

from pattern_miner.main import main

sys.exit(main())
