"""Alembic environment for the scaleout catalog.

Run through scaleout_catalog.migrate (the `scaleout db` commands): online it is handed
an open connection; offline (--sql) it is handed a dialect name and writes the script.
"""
from alembic import context

VERSION_TABLE = "scaleout_alembic_version"

config = context.config

if context.is_offline_mode():
    context.configure(
        dialect_name=config.attributes["dialect"],
        version_table=VERSION_TABLE,
        literal_binds=True,
        transactional_ddl=config.attributes["dialect"] == "postgresql",
        output_buffer=config.output_buffer,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes["connection"]
    context.configure(connection=connection, version_table=VERSION_TABLE, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()
