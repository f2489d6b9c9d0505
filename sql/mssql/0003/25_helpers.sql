-- scaleout_catalog, SQL Server, revision 0003: no helper changes. PostgreSQL's twin adds
-- internal.system_parameters() (here create_and_start_executions lists SSIS's system parameters itself,
-- as create_execution does: on Babelfish a table-valued helper would need grants of its own), and
-- rewrites its SQL-language checks in PL/pgSQL, whose plans PostgreSQL keeps (SQL Server caches the
-- plans of these T-SQL functions already).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
