-- scaleout_catalog, SQL Server, revision 0003: history at scale (see PostgreSQL).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- The questions a DBA and the manager ask of a long history, each answered from an index, newest
-- first: executions by status (running, failed, ...), started in a time range, and a failed
-- execution's first error.
CREATE INDEX [IX_operations_status] ON [internal].[operations] ([status], [operation_id]);
CREATE INDEX [IX_operations_start_time] ON [internal].[operations] ([start_time]) WHERE [start_time] IS NOT NULL;
CREATE INDEX [IX_operation_messages_errors] ON [internal].[operation_messages] ([operation_id], [operation_message_id])
    WHERE [message_type] = 120;
GO
-- The hot queue: rows are inserted, updated and deleted within seconds. SQL Server's ghost clean-up
-- removes deleted rows on its own; room on each page keeps the claim's update from splitting pages.
-- (Babelfish stores the table in PostgreSQL, whose own settings are a PostgreSQL DBA's to tune.)
IF SERVERPROPERTY('Babelfish') IS NULL
    EXEC sys.sp_executesql N'ALTER INDEX ALL ON [internal].[tasks] REBUILD WITH (FILLFACTOR = 80);';
GO
