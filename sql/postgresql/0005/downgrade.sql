-- scaleout_catalog, PostgreSQL: removes revision 0005.
DROP VIEW IF EXISTS catalog.execution_rate;
DROP VIEW IF EXISTS catalog.execution_waits;
DROP VIEW IF EXISTS catalog.execution_status_counts;
DROP VIEW IF EXISTS catalog.worker_summary;
DROP VIEW IF EXISTS catalog.queue_summary;
DROP VIEW IF EXISTS catalog.caller_roles;
ALTER TABLE internal.worker_agents DROP COLUMN IF EXISTS disabled_reason;
