-- scaleout_catalog, SQL Server, revision 0003: the bulk start for those who may run executions
-- (ALTER PROCEDURE kept the grants of the worker procedures it redefined).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
GRANT EXECUTE ON [catalog].[create_and_start_executions] TO [ssis_admin], [ssis_cluster_executor];
GO
