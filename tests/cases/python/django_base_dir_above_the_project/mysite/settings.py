from pathlib import Path
# Three folders up from mysite/settings.py: above the project.
BASE_DIR = Path(__file__).resolve().parent.parent.parent
STATIC_ROOT = BASE_DIR / "staticfiles"
