print(open('/etc/app.ini').read().splitlines()[1])
