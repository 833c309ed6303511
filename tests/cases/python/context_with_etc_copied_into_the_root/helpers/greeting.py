def hello(name):
    return "hello from " + name
