-- scaleout_catalog, SQL Server: removes revision 0001 (the whole catalog), objects first, then schemas and roles.
-- Lists are built with STRING_AGG: Babelfish keeps only the last row of SELECT @s = @s + ...
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
DECLARE @procedures nvarchar(max), @views nvarchar(max), @functions nvarchar(max), @keys nvarchar(max),
        @tables nvarchar(max), @sql nvarchar(max);
SELECT @procedures = STRING_AGG(CONVERT(nvarchar(max), CONCAT(N'DROP PROCEDURE ', QUOTENAME(SCHEMA_NAME(p.[schema_id])),
                                                              N'.', QUOTENAME(p.[name]), N';')), N' ')
FROM sys.objects AS p WHERE p.[type] = 'P' AND p.[schema_id] IN (SCHEMA_ID(N'catalog'), SCHEMA_ID(N'internal'));
SELECT @views = STRING_AGG(CONVERT(nvarchar(max), CONCAT(N'DROP VIEW ', QUOTENAME(SCHEMA_NAME(v.[schema_id])),
                                                         N'.', QUOTENAME(v.[name]), N';')), N' ')
FROM sys.views AS v WHERE v.[schema_id] IN (SCHEMA_ID(N'catalog'), SCHEMA_ID(N'internal'));
SELECT @functions = STRING_AGG(CONVERT(nvarchar(max), CONCAT(N'DROP FUNCTION ', QUOTENAME(SCHEMA_NAME(o.[schema_id])),
                                                             N'.', QUOTENAME(o.[name]), N';')), N' ')
FROM sys.objects AS o WHERE o.[type] IN ('FN', 'IF', 'TF') AND o.[schema_id] IN (SCHEMA_ID(N'catalog'), SCHEMA_ID(N'internal'));
SELECT @keys = STRING_AGG(CONVERT(nvarchar(max), CONCAT(N'ALTER TABLE ', QUOTENAME(SCHEMA_NAME(f.[schema_id])), N'.',
                                                        QUOTENAME(OBJECT_NAME(f.[parent_object_id])),
                                                        N' DROP CONSTRAINT ', QUOTENAME(f.[name]), N';')), N' ')
FROM sys.foreign_keys AS f WHERE f.[schema_id] = SCHEMA_ID(N'internal');
SELECT @tables = STRING_AGG(CONVERT(nvarchar(max), CONCAT(N'DROP TABLE ', QUOTENAME(SCHEMA_NAME(t.[schema_id])),
                                                          N'.', QUOTENAME(t.[name]), N';')), N' ')
FROM sys.tables AS t WHERE t.[schema_id] = SCHEMA_ID(N'internal');
SET @sql = CONCAT(@procedures, N' ', @views, N' ', @functions, N' ', @keys, N' ', @tables);
EXEC sys.sp_executesql @sql;
GO
-- SQL Server's key and certificate (Babelfish has neither, nor the views that list them).
IF SERVERPROPERTY('Babelfish') IS NULL
    EXEC sys.sp_executesql N'IF EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE [name] = N''scaleout_sensitive_values'')
    DROP SYMMETRIC KEY [scaleout_sensitive_values];
IF EXISTS (SELECT 1 FROM sys.certificates WHERE [name] = N''scaleout_sensitive_values'')
    DROP CERTIFICATE [scaleout_sensitive_values];';
IF SCHEMA_ID(N'catalog') IS NOT NULL DROP SCHEMA [catalog];
IF SCHEMA_ID(N'internal') IS NOT NULL DROP SCHEMA [internal];
GO
-- Roles stay while they still have members (logins someone set up); empty ones go.
DECLARE @sql nvarchar(max);
SELECT @sql = STRING_AGG(CONVERT(nvarchar(max), CONCAT(N'DROP ROLE ', QUOTENAME(r.[name]), N';')), N' ')
FROM sys.database_principals AS r
WHERE r.[type] = 'R' AND r.[name] IN (N'ssis_admin', N'ssis_cluster_executor', N'ssis_logreader', N'ssis_cluster_worker')
  AND NOT EXISTS (SELECT 1 FROM sys.database_role_members AS m WHERE m.[role_principal_id] = r.[principal_id]);
IF @sql IS NOT NULL EXEC sys.sp_executesql @sql;
GO
