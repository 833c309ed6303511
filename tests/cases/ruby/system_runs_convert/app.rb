system('convert', '-version')
