-- scaleout_catalog, PostgreSQL: after removing revision 0010 and putting back revision 0003's worker
-- functions (putting back pull_task drops get_held_tasks, as 0003 did, and it is created again).
REVOKE EXECUTE ON FUNCTION internal.get_held_tasks(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION internal.get_held_tasks(uuid) TO ssis_cluster_worker, ssis_admin;
