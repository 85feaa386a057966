"""`consult db copy`: a whole database from files to PostgreSQL, back, or between two of a kind."""
