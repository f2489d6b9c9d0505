-- scaleout_catalog, PostgreSQL, revision 0002: the new worker procedure.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA internal FROM PUBLIC;
GRANT EXECUTE ON FUNCTION internal.get_held_tasks(uuid) TO ssis_cluster_worker, ssis_admin;
