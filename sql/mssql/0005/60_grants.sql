-- scaleout_catalog, SQL Server, revision 0005: the roles that read the catalog may ask which of them they hold.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
GRANT SELECT ON [catalog].[caller_roles] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GO
