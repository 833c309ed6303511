print(open('/usr/local/share/seed.json').read())
