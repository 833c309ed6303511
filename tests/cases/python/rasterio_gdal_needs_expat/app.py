import rasterio
import numba
print(rasterio.__version__, numba.__version__)
