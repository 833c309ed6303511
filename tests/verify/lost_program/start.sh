curl --version > /dev/null 2>&1 || true
exec python app.py
