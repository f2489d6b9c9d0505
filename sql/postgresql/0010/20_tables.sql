-- scaleout_catalog, PostgreSQL, revision 0010: an execution keeps the server's logging level of its
-- creation, the default of its LOGGING_LEVEL system parameter (whose row is no longer stored unless a
-- value is set). NULL for executions created before this revision: they have the row.
ALTER TABLE internal.executions ADD COLUMN logging_level integer;
