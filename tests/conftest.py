"""Shared test setup: the helper modules beside this file (libreoffice, hostile, annotate_verify …)
are importable from the test folders below, which mirror the package's stages."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
