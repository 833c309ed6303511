print(open('/etc/app-seed.txt').read())
