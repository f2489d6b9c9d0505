-- scaleout_catalog, SQL Server, revision 0005: why a worker was disabled, when the catalog did it
-- ('certificate': it came back with a certificate it had not announced); NULL when an admin decided.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
ALTER TABLE [internal].[worker_agents] ADD [disabled_reason] nvarchar(32) NULL;
GO
