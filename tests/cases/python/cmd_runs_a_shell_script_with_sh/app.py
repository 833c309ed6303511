print('started')
