import psycopg2
print("libpq", psycopg2.__libpq_version__)
