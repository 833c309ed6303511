import psycopg2
print(psycopg2.__libpq_version__)
