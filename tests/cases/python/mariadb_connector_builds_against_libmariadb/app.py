import mariadb
print("mariadb", mariadb.__version__)
