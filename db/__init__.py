"""PostgreSQL: the connection pool, the migrations, the read-model queries and a private dev cluster."""
