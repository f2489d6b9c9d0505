-- scaleout_catalog, SQL Server, revision 0004: the combined report, for workers (and admins); on
-- Babelfish (no ownership chaining, see 0001) also the helper it shares with append_operation_messages.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
GRANT EXECUTE ON [internal].[report_tasks] TO [ssis_cluster_worker], [ssis_admin];
GO
IF SERVERPROPERTY('Babelfish') IS NOT NULL
    GRANT EXECUTE ON [internal].[write_operation_messages] TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker];
GO
