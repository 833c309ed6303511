import builtins
builtins.GREETING = 'customized'
