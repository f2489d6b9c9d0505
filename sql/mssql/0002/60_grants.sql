-- scaleout_catalog, SQL Server, revision 0002: the new worker procedure; on Babelfish (no ownership
-- chaining, see 0001) also the new helpers and the new table.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
GRANT EXECUTE ON [internal].[get_held_tasks] TO [ssis_cluster_worker], [ssis_admin];
GO
IF SERVERPROPERTY('Babelfish') IS NOT NULL
BEGIN
    GRANT EXECUTE ON [internal].[take_pulse] TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];
    GRANT EXECUTE ON [internal].[require_valid_name] TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];
    GRANT EXECUTE ON [internal].[is_valid_value] TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];
    GRANT EXECUTE ON [internal].[has_control_characters] TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];
    GRANT EXECUTE ON [internal].[require_json_array] TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];
    GRANT SELECT, INSERT, UPDATE, DELETE ON [internal].[catalog_pulse] TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];
    GRANT SELECT ON [internal].[catalog_pulse] TO [ssis_logreader];
END;
GO
