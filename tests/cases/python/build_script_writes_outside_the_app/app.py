print(open('/srv/static/index.html').read())
