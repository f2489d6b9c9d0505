-- scaleout_catalog, SQL Server, revision 0005: what the web Scale Out Manager reads.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- The catalog roles the caller holds, of those that read the catalog (a worker's login reads no view).
-- The manager offers only the actions they allow; the procedures still decide every call.
-- sysadmin and db_owner count as ssis_admin, as in internal.caller_is_admin
-- (inlined: on Babelfish a view's callers need EXECUTE on the functions it calls).
CREATE VIEW [catalog].[caller_roles]
AS
SELECT r.[role_name]
FROM (VALUES (CONVERT(nvarchar(128), N'ssis_admin')), (N'ssis_cluster_executor'), (N'ssis_logreader')) AS r ([role_name])
WHERE IS_MEMBER(r.[role_name]) = 1
   OR (r.[role_name] = N'ssis_admin' AND (IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1));
GO
