-- scaleout_catalog, PostgreSQL, revision 0003: history at scale, and a hot queue that does not bloat.

-- The questions a DBA and the manager ask of a long history, each answered from an index, newest
-- first: executions by status (running, failed, ...), started in a time range, and a failed
-- execution's first error.
CREATE INDEX ix_operations_status ON internal.operations (status, operation_id);
CREATE INDEX ix_operations_start_time ON internal.operations (start_time) WHERE start_time IS NOT NULL;
CREATE INDEX ix_operation_messages_errors ON internal.operation_messages (operation_id, operation_message_id)
    WHERE message_type = 120;

-- The hot queue: every task row is inserted, updated once or twice and deleted within seconds, so
-- dead rows pile up far faster than the default autovacuum trigger (20% of the table) notices, and
-- each claim then steps over them. Vacuum it after a fixed number of changes, without throttling,
-- and leave room on each page for the claim's update.
ALTER TABLE internal.tasks SET (fillfactor = 80, autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_insert_scale_factor = 0,
    autovacuum_vacuum_insert_threshold = 2000, autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 2000, autovacuum_vacuum_cost_delay = 0);
ALTER TABLE internal.task_attempts SET (autovacuum_vacuum_cost_delay = 0);
ALTER TABLE internal.catalog_pulse SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 1000);
