"""Where things are: the repository, and the real KB corpus nobody here wrote."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("KB_CORPUS", REPO.parent / "shared" / "corpus" / "office-support" / "articles"))
