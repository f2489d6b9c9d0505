-- scaleout_catalog, SQL Server, revision 0007: who may do what to which object (SSISDB's
-- internal.check_permission and its effective permissions).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- A row of the object's permissions, granted (@is_deny 0) or denied, to the caller or a role it is in.
-- One query over internal.object_permissions: each of its four branches is skipped by a startup filter on
-- the object type, and the one left reads its table's unique index.
CREATE FUNCTION [internal].[caller_has_permission_row] (@object_type int, @object_id bigint, @permission_type int,
                                                        @is_deny bit)
RETURNS bit
AS
BEGIN
    RETURN CASE WHEN EXISTS (SELECT 1 FROM [internal].[object_permissions] AS p
                             WHERE p.[object_type] = @object_type AND p.[object_id] = @object_id
                               AND p.[permission_type] = @permission_type AND p.[is_deny] = @is_deny
                               AND (p.[principal_id] = DATABASE_PRINCIPAL_ID() OR IS_MEMBER(USER_NAME(p.[principal_id])) = 1))
                THEN 1 ELSE 0 END;
END
GO
-- SSISDB's rule: the caller holds a permission on an object when it is granted on the object, or on its
-- folder as the *_OBJECTS permission (READ_OBJECTS 101 gives READ on the folder's projects and
-- environments, and so on; EXECUTE_OBJECTS reaches projects only), and denied on neither: DENY beats
-- GRANT, whichever principal or level carries it. Whoever created an operation holds READ, MODIFY and
-- MANAGE_PERMISSIONS on it, as SSISDB grants them at creation (here implied by operations.caller_name:
-- no rows written on the hot path). Roles do not count here: catalog.effective_object_permissions.
CREATE FUNCTION [internal].[caller_holds_permission] (@object_type int, @object_id bigint, @permission_type int)
RETURNS bit
AS
BEGIN
    DECLARE @folder_id bigint;
    IF @permission_type < 100 AND @object_type = 2
        SELECT @folder_id = [folder_id] FROM [internal].[projects] WHERE [project_id] = @object_id;
    IF @permission_type < 100 AND @object_type = 3
        SELECT @folder_id = [folder_id] FROM [internal].[environments] WHERE [environment_id] = @object_id;
    IF [internal].[caller_has_permission_row](@object_type, @object_id, @permission_type, 1) = 1
       OR (@folder_id IS NOT NULL AND [internal].[caller_has_permission_row](1, @folder_id, @permission_type + 100, 1) = 1)
        RETURN 0;
    IF [internal].[caller_has_permission_row](@object_type, @object_id, @permission_type, 0) = 1
       OR (@folder_id IS NOT NULL AND NOT (@object_type = 3 AND @permission_type = 3)
           AND [internal].[caller_has_permission_row](1, @folder_id, @permission_type + 100, 0) = 1)
        RETURN 1;
    IF @object_type = 4 AND @permission_type IN (1, 2, 4)
       AND EXISTS (SELECT 1 FROM [internal].[operations] WHERE [operation_id] = @object_id AND [caller_name] = SUSER_SNAME())
        RETURN 1;
    RETURN 0;
END
GO
-- What the procedures and views ask (SSISDB's internal.check_permission): admins have every permission,
-- ssis_logreader reads every operation, anyone else what it holds.
CREATE FUNCTION [internal].[check_permission] (@object_type int, @object_id bigint, @permission_type int)
RETURNS bit
AS
BEGIN
    IF [internal].[caller_is_admin]() = 1
        RETURN 1;
    IF @object_type = 4 AND @permission_type = 1 AND IS_MEMBER(N'ssis_logreader') = 1
        RETURN 1;
    RETURN [internal].[caller_holds_permission](@object_type, @object_id, @permission_type);
END
GO
-- A folder is listed to whoever may read it, or read a project or environment in it.
CREATE FUNCTION [internal].[folder_is_readable] (@folder_id bigint)
RETURNS bit
AS
BEGIN
    IF [internal].[check_permission](1, @folder_id, 1) = 1
        RETURN 1;
    IF EXISTS (SELECT 1 FROM [internal].[projects] AS p
               WHERE p.[folder_id] = @folder_id AND [internal].[check_permission](2, p.[project_id], 1) = 1)
        RETURN 1;
    IF EXISTS (SELECT 1 FROM [internal].[environments] AS e
               WHERE e.[folder_id] = @folder_id AND [internal].[check_permission](3, e.[environment_id], 1) = 1)
        RETURN 1;
    RETURN 0;
END
GO
-- The object of a grant, deny or revoke, checked as SSISDB checks it: a valid object type and
-- permission (27101), a permission that applies to that type (27191: EXECUTE to projects only, the
-- *_OBJECTS permissions to folders only), an object the caller can see (27104, 27109, 27182, 27105),
-- a principal that exists (27101), and MANAGE_PERMISSIONS on the object (27192).
CREATE PROCEDURE [internal].[check_permission_parameters]
    @object_type     smallint,
    @object_id       bigint,
    @principal_id    int,
    @permission_type smallint
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000);
    IF @object_type IS NULL EXEC [internal].[null_argument] N'object_type';
    IF @object_id IS NULL EXEC [internal].[null_argument] N'object_id';
    IF @principal_id IS NULL EXEC [internal].[null_argument] N'principal_id';
    IF @permission_type IS NULL EXEC [internal].[null_argument] N'permission_type';
    IF @object_type NOT IN (1, 2, 3, 4)
    BEGIN
        SET @message = CONCAT(N'The value for @object_type is not valid: ', @object_type,
            N'. Pass 1 (folder), 2 (project), 3 (environment) or 4 (operation).');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    IF @permission_type NOT IN (1, 2, 3, 4, 100, 101, 102, 103, 104)
    BEGIN
        SET @message = CONCAT(N'The value for @permission_type is not valid: ', @permission_type,
            N'. Pass 1 READ, 2 MODIFY, 3 EXECUTE, 4 MANAGE_PERMISSIONS, 100 CREATE_OBJECTS, 101 READ_OBJECTS, ',
            N'102 MODIFY_OBJECTS, 103 EXECUTE_OBJECTS or 104 MANAGE_OBJECT_PERMISSIONS.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    IF (@object_type <> 2 AND @permission_type = 3) OR (@object_type <> 1 AND @permission_type >= 100)
    BEGIN
        SET @message = CONCAT(N'The ''', @permission_type, N''' permission is not applicable to objects of type ''',
            @object_type, N'''. Grant, deny, or revoke of this permission is not allowed: EXECUTE applies to projects (2), ',
            N'and 100 to 104 to folders (1).');
        EXEC [internal].[raise_error] 27191, @message;
    END;
    IF @object_type = 1 AND NOT (EXISTS (SELECT 1 FROM [internal].[folders] WHERE [folder_id] = @object_id)
                                 AND [internal].[folder_is_readable](@object_id) = 1)
    BEGIN
        SET @message = CONCAT(N'Cannot find the folder ''', @object_id, N''' because it does not exist or you do not have ',
            N'sufficient permissions. See its id in [catalog].[folders].');
        EXEC [internal].[raise_error] 27104, @message;
    END;
    IF @object_type = 2 AND NOT (EXISTS (SELECT 1 FROM [internal].[projects] WHERE [project_id] = @object_id)
                                 AND [internal].[check_permission](2, @object_id, 1) = 1)
    BEGIN
        SET @message = CONCAT(N'Cannot find the project ''', @object_id, N''' because it does not exist or you do not have ',
            N'sufficient permissions. See its project_id in [catalog].[projects].');
        EXEC [internal].[raise_error] 27109, @message;
    END;
    IF @object_type = 3 AND NOT (EXISTS (SELECT 1 FROM [internal].[environments] WHERE [environment_id] = @object_id)
                                 AND [internal].[check_permission](3, @object_id, 1) = 1)
    BEGIN
        SET @message = CONCAT(N'The environment ''', @object_id, N''' does not exist or you have not been granted the ',
            N'appropriate permissions to access it. See its environment_id in [catalog].[environments].');
        EXEC [internal].[raise_error] 27182, @message;
    END;
    IF @object_type = 4 AND NOT (EXISTS (SELECT 1 FROM [internal].[operations] WHERE [operation_id] = @object_id)
                                 AND [internal].[check_permission](4, @object_id, 1) = 1)
    BEGIN
        SET @message = CONCAT(N'Cannot find the operation ''', @object_id, N''' because it does not exist or you do not ',
            N'have sufficient permissions. See its operation_id in [catalog].[operations].');
        EXEC [internal].[raise_error] 27105, @message;
    END;
    -- USER_NAME, not sys.database_principals: that view hides from a login the principals it is not (metadata
    -- visibility), and one who may manage permissions grants them to others.
    IF USER_NAME(@principal_id) IS NULL
    BEGIN
        SET @message = CONCAT(N'The value for @principal_id is not valid: no database principal has the id ', @principal_id,
            N'. See [catalog].[database_principals].');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    IF [internal].[check_permission](@object_type, @object_id, 4) = 0
        EXEC [internal].[raise_error] 27192, N'The caller has not been granted the MANAGE_PERMISSIONS permission for the specified object. Ask its owner or an ssis_admin member to grant it, or MANAGE_OBJECT_PERMISSIONS on its folder.';
END
GO
