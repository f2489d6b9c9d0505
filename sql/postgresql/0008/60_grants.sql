-- scaleout_catalog, PostgreSQL, revision 0008: executors schedule what they may run; workers fire
-- schedules; everyone who reads the catalog reads the schedules it may see.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA internal FROM PUBLIC;
REVOKE EXECUTE ON ALL PROCEDURES IN SCHEMA catalog FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE
    catalog.create_schedule(text, text, text, text, text, text, bigint, text, integer, uuid, text, boolean, bigint),
    catalog.enable_schedule(text, text),
    catalog.disable_schedule(text, text),
    catalog.delete_schedule(text, text),
    catalog.run_schedule_now(text, text, bigint)
TO ssis_admin, ssis_cluster_executor;
GRANT EXECUTE ON FUNCTION internal.fire_schedules(uuid) TO ssis_admin, ssis_cluster_worker;
GRANT SELECT ON catalog.schedules, catalog.schedule_runs TO ssis_admin, ssis_cluster_executor, ssis_logreader;
