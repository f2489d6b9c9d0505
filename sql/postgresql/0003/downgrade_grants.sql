-- scaleout_catalog, PostgreSQL: after removing revision 0003 and putting back 0002's worker procedures.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA internal FROM PUBLIC;
GRANT EXECUTE ON FUNCTION internal.pull_task(uuid, integer), internal.get_held_tasks(uuid)
    TO ssis_cluster_worker, ssis_admin;
