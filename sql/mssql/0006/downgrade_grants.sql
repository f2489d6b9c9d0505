-- scaleout_catalog, SQL Server: after removing revision 0006 and creating its two views again from
-- 0001 (Babelfish has no ALTER VIEW): their grants, as 0001 gave them.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
GRANT SELECT ON [catalog].[object_parameters] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[executions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GO
