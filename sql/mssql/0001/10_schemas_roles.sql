-- scaleout_catalog, SQL Server: schemas and the four SSISDB roles.
-- Runs on SQL Server 2017+, Azure SQL Managed Instance and Babelfish for PostgreSQL.
-- Every file starts with ANSI_NULLS and QUOTED_IDENTIFIER ON: SQL Server binds both to a procedure,
-- view or function when it is created, filtered indexes need them, and sqlcmd defaults QUOTED_IDENTIFIER to OFF.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
IF SCHEMA_ID(N'catalog') IS NULL EXEC (N'CREATE SCHEMA [catalog] AUTHORIZATION [dbo]');
GO
IF SCHEMA_ID(N'internal') IS NULL EXEC (N'CREATE SCHEMA [internal] AUTHORIZATION [dbo]');
GO
IF DATABASE_PRINCIPAL_ID(N'ssis_admin') IS NULL CREATE ROLE [ssis_admin];
IF DATABASE_PRINCIPAL_ID(N'ssis_cluster_executor') IS NULL CREATE ROLE [ssis_cluster_executor];
IF DATABASE_PRINCIPAL_ID(N'ssis_logreader') IS NULL CREATE ROLE [ssis_logreader];
IF DATABASE_PRINCIPAL_ID(N'ssis_cluster_worker') IS NULL CREATE ROLE [ssis_cluster_worker];
GO
