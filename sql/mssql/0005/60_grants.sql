-- scaleout_catalog, SQL Server, revision 0005: the web Scale Out Manager's reads. The roles that read
-- the catalog may ask which of them they hold, and read the queue's summary; the workers' summary goes
-- to those who may see the workers.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
GRANT SELECT ON [catalog].[caller_roles] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[queue_summary] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[execution_status_counts] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[execution_rate] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[worker_summary] TO [ssis_admin], [ssis_cluster_executor];
GRANT SELECT ON [catalog].[execution_waits] TO [ssis_admin], [ssis_cluster_executor];
GO
