import pyximport

pyximport.install()

import fib  # noqa: E402  (compiled from fib.pyx with the C compiler on import)

print(fib.fib(30))
