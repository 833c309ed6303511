from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent.parent
# One folder above the project: /staticfiles when the project is /app.
STATIC_ROOT = BASE_DIR.parent / "staticfiles"
