print(open('/usr/local/share/myapp/data.txt').read())
