-- scaleout_catalog, PostgreSQL, revision 0003: the worker procedures created again, granted again, and
-- the bulk start for those who may run executions.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA internal FROM PUBLIC;
GRANT EXECUTE ON FUNCTION internal.pull_task(uuid, integer), internal.get_held_tasks(uuid)
    TO ssis_cluster_worker, ssis_admin;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA catalog FROM PUBLIC;
GRANT EXECUTE ON FUNCTION catalog.create_and_start_executions(text, integer) TO ssis_cluster_executor, ssis_admin;
