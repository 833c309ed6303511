TEXT = 'hello from vendor'
