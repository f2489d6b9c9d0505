-- scaleout_catalog, SQL Server: after removing revision 0013 and putting back the views' earlier definitions,
-- which were dropped and created again: granted as revisions 0007 and 0008 granted them.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
GRANT SELECT ON [catalog].[explicit_object_permissions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[folders] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[projects] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[packages] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[object_parameters] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[object_versions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[environment_references] TO [ssis_admin], [ssis_cluster_executor];
GRANT SELECT ON [catalog].[environments] TO [ssis_admin], [ssis_cluster_executor];
GRANT SELECT ON [catalog].[environment_variables] TO [ssis_admin], [ssis_cluster_executor];
GRANT SELECT ON [catalog].[schedules] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[schedule_runs] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GO
