-- scaleout_catalog, SQL Server: removes revision 0005.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
DROP VIEW IF EXISTS [catalog].[execution_rate];
DROP VIEW IF EXISTS [catalog].[execution_waits];
DROP VIEW IF EXISTS [catalog].[execution_status_counts];
DROP VIEW IF EXISTS [catalog].[worker_summary];
DROP VIEW IF EXISTS [catalog].[queue_summary];
DROP VIEW IF EXISTS [catalog].[caller_roles];
GO
ALTER TABLE [internal].[worker_agents] DROP COLUMN [disabled_reason];
GO
