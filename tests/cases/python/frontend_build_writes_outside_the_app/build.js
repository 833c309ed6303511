require('fs').mkdirSync('/srv/www', { recursive: true });
