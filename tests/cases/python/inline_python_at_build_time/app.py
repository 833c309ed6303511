print(open('/etc/app-build.txt').read())
