-- scaleout_catalog, PostgreSQL, revision 0005: the web Scale Out Manager's reads. The roles that read
-- the catalog may ask which of them they hold, and read the queue's summary; the workers' summary goes
-- to those who may see the workers.
GRANT SELECT ON catalog.caller_roles, catalog.queue_summary, catalog.execution_status_counts, catalog.execution_rate
    TO ssis_admin, ssis_cluster_executor, ssis_logreader;
GRANT SELECT ON catalog.worker_summary, catalog.execution_waits TO ssis_admin, ssis_cluster_executor;
