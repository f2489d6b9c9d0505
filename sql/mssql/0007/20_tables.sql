-- scaleout_catalog, SQL Server, revision 0007: permissions on folders, projects, environments and
-- operations, as SSISDB keeps them (catalog.grant_permission, deny_permission, revoke_permission).
-- One row per object, permission and principal, granted or denied; a row goes with its object.
-- principal_id is sys.database_principals.principal_id.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE TABLE [internal].[folder_permissions] (
    [id]              bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_folder_permissions] PRIMARY KEY,
    [object_id]       bigint NOT NULL CONSTRAINT [FK_folder_permissions_folders]
                          REFERENCES [internal].[folders] ([folder_id]) ON DELETE CASCADE,
    [principal_id]    int NOT NULL,
    [permission_type] smallint NOT NULL CONSTRAINT [CK_folder_permissions_type]
                          CHECK ([permission_type] IN (1, 2, 4, 100, 101, 102, 103, 104)),
    [is_deny]         bit NOT NULL,
    [grantor_id]      int NOT NULL,
    CONSTRAINT [UQ_folder_permissions] UNIQUE ([object_id], [permission_type], [principal_id])
);
GO
CREATE TABLE [internal].[project_permissions] (
    [id]              bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_project_permissions] PRIMARY KEY,
    [object_id]       bigint NOT NULL CONSTRAINT [FK_project_permissions_projects]
                          REFERENCES [internal].[projects] ([project_id]) ON DELETE CASCADE,
    [principal_id]    int NOT NULL,
    [permission_type] smallint NOT NULL CONSTRAINT [CK_project_permissions_type] CHECK ([permission_type] IN (1, 2, 3, 4)),
    [is_deny]         bit NOT NULL,
    [grantor_id]      int NOT NULL,
    CONSTRAINT [UQ_project_permissions] UNIQUE ([object_id], [permission_type], [principal_id])
);
GO
CREATE TABLE [internal].[environment_permissions] (
    [id]              bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_environment_permissions] PRIMARY KEY,
    [object_id]       bigint NOT NULL CONSTRAINT [FK_environment_permissions_environments]
                          REFERENCES [internal].[environments] ([environment_id]) ON DELETE CASCADE,
    [principal_id]    int NOT NULL,
    [permission_type] smallint NOT NULL CONSTRAINT [CK_environment_permissions_type] CHECK ([permission_type] IN (1, 2, 4)),
    [is_deny]         bit NOT NULL,
    [grantor_id]      int NOT NULL,
    CONSTRAINT [UQ_environment_permissions] UNIQUE ([object_id], [permission_type], [principal_id])
);
GO
CREATE TABLE [internal].[operation_permissions] (
    [id]              bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_operation_permissions] PRIMARY KEY,
    [object_id]       bigint NOT NULL CONSTRAINT [FK_operation_permissions_operations]
                          REFERENCES [internal].[operations] ([operation_id]) ON DELETE CASCADE,
    [principal_id]    int NOT NULL,
    [permission_type] smallint NOT NULL CONSTRAINT [CK_operation_permissions_type] CHECK ([permission_type] IN (1, 2, 4)),
    [is_deny]         bit NOT NULL,
    [grantor_id]      int NOT NULL,
    CONSTRAINT [UQ_operation_permissions] UNIQUE ([object_id], [permission_type], [principal_id])
);
GO
-- All four, as SSISDB's internal.object_permissions view: object_type 1 folder, 2 project,
-- 3 environment, 4 operation.
CREATE VIEW [internal].[object_permissions]
AS
SELECT CONVERT(smallint, 1) AS [object_type], [object_id], [principal_id], [permission_type], [is_deny], [grantor_id]
FROM [internal].[folder_permissions]
UNION ALL
SELECT CONVERT(smallint, 2), [object_id], [principal_id], [permission_type], [is_deny], [grantor_id]
FROM [internal].[project_permissions]
UNION ALL
SELECT CONVERT(smallint, 3), [object_id], [principal_id], [permission_type], [is_deny], [grantor_id]
FROM [internal].[environment_permissions]
UNION ALL
SELECT CONVERT(smallint, 4), [object_id], [principal_id], [permission_type], [is_deny], [grantor_id]
FROM [internal].[operation_permissions];
GO
