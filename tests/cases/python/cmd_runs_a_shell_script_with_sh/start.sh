curl --version > /dev/null && echo "curl found"
exec python app.py
