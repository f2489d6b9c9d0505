-- scaleout_catalog, PostgreSQL: removes revision 0003. What it redefined is put back from 0002 after
-- this, and downgrade_grants.sql then grants the worker procedures again.
DROP FUNCTION IF EXISTS internal.pull_task(uuid, integer);
DROP FUNCTION IF EXISTS internal.get_held_tasks(uuid);
DROP FUNCTION IF EXISTS catalog.create_and_start_executions(text, integer);
DROP FUNCTION IF EXISTS internal.system_parameters();
DROP INDEX IF EXISTS internal.ix_operations_status;
DROP INDEX IF EXISTS internal.ix_operations_start_time;
DROP INDEX IF EXISTS internal.ix_operation_messages_errors;
ALTER TABLE internal.tasks RESET (fillfactor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
    autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_insert_threshold, autovacuum_analyze_scale_factor,
    autovacuum_analyze_threshold, autovacuum_vacuum_cost_delay);
ALTER TABLE internal.task_attempts RESET (autovacuum_vacuum_cost_delay);
ALTER TABLE internal.catalog_pulse RESET (fillfactor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold);
