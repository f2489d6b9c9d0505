-- scaleout_catalog, PostgreSQL, revision 0004: the combined report, for workers (and admins).
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA internal FROM PUBLIC;
GRANT EXECUTE ON FUNCTION internal.report_tasks(uuid, text, text) TO ssis_cluster_worker, ssis_admin;
