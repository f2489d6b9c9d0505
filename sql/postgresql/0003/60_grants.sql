-- scaleout_catalog, PostgreSQL, revision 0003: the worker procedures created again, granted again.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA internal FROM PUBLIC;
GRANT EXECUTE ON FUNCTION internal.pull_task(uuid, integer), internal.get_held_tasks(uuid)
    TO ssis_cluster_worker, ssis_admin;
