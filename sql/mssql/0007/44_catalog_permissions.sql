-- scaleout_catalog, SQL Server, revision 0007: catalog.grant_permission, deny_permission and
-- revoke_permission (SSISDB's parameters and numbers), and who the principals are.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- One row per object, permission and principal: a grant or a deny of it (a deny replaces a grant, and
-- the other way round); revoking (@is_deny NULL) removes either, and revoking nothing is not an error
-- (as in SSISDB).
CREATE PROCEDURE [internal].[update_permission]
    @object_type     smallint,
    @object_id       bigint,
    @principal_id    int,
    @permission_type smallint,
    @is_deny         bit
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @grantor int = DATABASE_PRINCIPAL_ID();
    EXEC [internal].[check_permission_parameters] @object_type, @object_id, @principal_id, @permission_type;
    BEGIN TRANSACTION;
    IF @is_deny IS NULL
    BEGIN
        IF @object_type = 1 DELETE FROM [internal].[folder_permissions]
            WHERE [object_id] = @object_id AND [permission_type] = @permission_type AND [principal_id] = @principal_id;
        IF @object_type = 2 DELETE FROM [internal].[project_permissions]
            WHERE [object_id] = @object_id AND [permission_type] = @permission_type AND [principal_id] = @principal_id;
        IF @object_type = 3 DELETE FROM [internal].[environment_permissions]
            WHERE [object_id] = @object_id AND [permission_type] = @permission_type AND [principal_id] = @principal_id;
        IF @object_type = 4 DELETE FROM [internal].[operation_permissions]
            WHERE [object_id] = @object_id AND [permission_type] = @permission_type AND [principal_id] = @principal_id;
    END
    ELSE IF @object_type = 1
    BEGIN
        UPDATE [internal].[folder_permissions] SET [is_deny] = @is_deny, [grantor_id] = @grantor
        WHERE [object_id] = @object_id AND [permission_type] = @permission_type AND [principal_id] = @principal_id;
        IF @@ROWCOUNT = 0
            INSERT INTO [internal].[folder_permissions] ([object_id], [principal_id], [permission_type], [is_deny], [grantor_id])
            VALUES (@object_id, @principal_id, @permission_type, @is_deny, @grantor);
    END
    ELSE IF @object_type = 2
    BEGIN
        UPDATE [internal].[project_permissions] SET [is_deny] = @is_deny, [grantor_id] = @grantor
        WHERE [object_id] = @object_id AND [permission_type] = @permission_type AND [principal_id] = @principal_id;
        IF @@ROWCOUNT = 0
            INSERT INTO [internal].[project_permissions] ([object_id], [principal_id], [permission_type], [is_deny], [grantor_id])
            VALUES (@object_id, @principal_id, @permission_type, @is_deny, @grantor);
    END
    ELSE IF @object_type = 3
    BEGIN
        UPDATE [internal].[environment_permissions] SET [is_deny] = @is_deny, [grantor_id] = @grantor
        WHERE [object_id] = @object_id AND [permission_type] = @permission_type AND [principal_id] = @principal_id;
        IF @@ROWCOUNT = 0
            INSERT INTO [internal].[environment_permissions] ([object_id], [principal_id], [permission_type], [is_deny], [grantor_id])
            VALUES (@object_id, @principal_id, @permission_type, @is_deny, @grantor);
    END
    ELSE
    BEGIN
        UPDATE [internal].[operation_permissions] SET [is_deny] = @is_deny, [grantor_id] = @grantor
        WHERE [object_id] = @object_id AND [permission_type] = @permission_type AND [principal_id] = @principal_id;
        IF @@ROWCOUNT = 0
            INSERT INTO [internal].[operation_permissions] ([object_id], [principal_id], [permission_type], [is_deny], [grantor_id])
            VALUES (@object_id, @principal_id, @permission_type, @is_deny, @grantor);
    END;
    COMMIT;
END
GO
CREATE PROCEDURE [catalog].[grant_permission]
    @object_type     smallint,
    @object_id       bigint,
    @principal_id    int,
    @permission_type smallint
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    EXEC [internal].[update_permission] @object_type, @object_id, @principal_id, @permission_type, 0;
END
GO
CREATE PROCEDURE [catalog].[deny_permission]
    @object_type     smallint,
    @object_id       bigint,
    @principal_id    int,
    @permission_type smallint
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    EXEC [internal].[update_permission] @object_type, @object_id, @principal_id, @permission_type, 1;
END
GO
CREATE PROCEDURE [catalog].[revoke_permission]
    @object_type     smallint,
    @object_id       bigint,
    @principal_id    int,
    @permission_type smallint
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    EXEC [internal].[update_permission] @object_type, @object_id, @principal_id, @permission_type, NULL;
END
GO
-- The principals permissions are granted to, with the columns a PostgreSQL catalog shows too.
CREATE VIEW [catalog].[database_principals]
AS
SELECT [principal_id], [name], [type] FROM sys.database_principals;
GO
-- Every explicit grant and deny on the objects the caller may read (all of them for an admin), with
-- SSISDB's columns.
CREATE VIEW [catalog].[explicit_object_permissions]
AS
SELECT p.[object_type], p.[object_id], p.[principal_id], p.[permission_type], p.[is_deny], p.[grantor_id]
FROM [internal].[object_permissions] AS p
WHERE [internal].[caller_is_admin]() = 1
   OR (p.[object_type] = 1 AND [internal].[folder_is_readable](p.[object_id]) = 1)
   OR (p.[object_type] <> 1 AND [internal].[check_permission](p.[object_type], p.[object_id], 1) = 1);
GO
-- The caller's own permissions (its roles' included) on each object that has any, as SSISDB computes
-- them: explicit and folder-inherited grants, less denies at either level, and the creator's on its
-- operations. As in SSISDB, membership of ssis_admin adds no rows here.
CREATE VIEW [catalog].[effective_object_permissions]
AS
SELECT c.[object_type], c.[object_id], c.[permission_type]
FROM (SELECT p.[object_type], p.[object_id], p.[permission_type] FROM [internal].[object_permissions] AS p
      UNION
      SELECT o.[object_type], o.[object_id], CONVERT(smallint, f.[permission_type] - 100)
      FROM [internal].[folder_permissions] AS f
      INNER JOIN (SELECT CONVERT(smallint, 2) AS [object_type], [project_id] AS [object_id], [folder_id]
                  FROM [internal].[projects]
                  UNION ALL
                  SELECT CONVERT(smallint, 3), [environment_id], [folder_id] FROM [internal].[environments]) AS o
          ON o.[folder_id] = f.[object_id]
      WHERE f.[permission_type] > 100 AND NOT (o.[object_type] = 3 AND f.[permission_type] = 103)
      UNION
      SELECT CONVERT(smallint, 4), o.[operation_id], x.[permission_type]
      FROM [internal].[operations] AS o
      CROSS JOIN (SELECT CONVERT(smallint, 1) AS [permission_type] UNION ALL SELECT CONVERT(smallint, 2)
                  UNION ALL SELECT CONVERT(smallint, 4)) AS x
      WHERE o.[caller_name] = SUSER_SNAME()) AS c
WHERE [internal].[caller_holds_permission](c.[object_type], c.[object_id], c.[permission_type]) = 1;
GO
