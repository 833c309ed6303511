import greeting, six
print(greeting.TEXT)
