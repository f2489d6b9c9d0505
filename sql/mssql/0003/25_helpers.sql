-- scaleout_catalog, SQL Server, revision 0003: no new helper. PostgreSQL's twin adds
-- internal.system_parameters(); here create_and_start_executions lists SSIS's system parameters
-- itself, as create_execution does (on Babelfish a table-valued helper would need grants of its own).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
