-- scaleout_catalog, SQL Server: removes revision 0003. What it redefined is put back from 0002 after this.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
DROP PROCEDURE IF EXISTS [catalog].[create_and_start_executions];
DROP INDEX IF EXISTS [IX_operations_status] ON [internal].[operations];
DROP INDEX IF EXISTS [IX_operations_start_time] ON [internal].[operations];
DROP INDEX IF EXISTS [IX_operation_messages_errors] ON [internal].[operation_messages];
GO
IF SERVERPROPERTY('Babelfish') IS NULL
    EXEC sys.sp_executesql N'ALTER INDEX ALL ON [internal].[tasks] REBUILD WITH (FILLFACTOR = 0);';
GO
