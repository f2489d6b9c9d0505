-- scaleout_catalog, SQL Server: the end of removing revision 0010, once the earlier definitions are back
-- (and granted, downgrade_grants.sql): what only this revision used.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
DROP VIEW IF EXISTS [internal].[all_execution_parameter_values];
DROP VIEW IF EXISTS [internal].[system_parameter_defaults];
GO
ALTER TABLE [internal].[executions] DROP COLUMN [logging_level];
GO
