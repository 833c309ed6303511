from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent.parent
STATIC_ROOT = BASE_DIR / "staticfiles"
if not DEBUG:
    STATIC_ROOT = "/srv/static"
