-- scaleout_catalog, SQL Server: removes revision 0007. What it redefined is put back from the earlier
-- revisions after this (its views dropped here first, as Babelfish has no ALTER VIEW), and
-- downgrade_cleanup.sql then grants those views again and drops the checks they called.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
DROP PROCEDURE IF EXISTS [catalog].[grant_permission];
DROP PROCEDURE IF EXISTS [catalog].[deny_permission];
DROP PROCEDURE IF EXISTS [catalog].[revoke_permission];
DROP PROCEDURE IF EXISTS [internal].[update_permission];
DROP PROCEDURE IF EXISTS [internal].[check_permission_parameters];
DROP VIEW IF EXISTS [catalog].[explicit_object_permissions];
DROP VIEW IF EXISTS [catalog].[effective_object_permissions];
DROP VIEW IF EXISTS [catalog].[database_principals];
GO
