wget --version > /dev/null && echo wget-ok
exec node server.js
