STATIC_URL = "static/"
STATIC_ROOT = "/var/www/static/"  # served by nginx
