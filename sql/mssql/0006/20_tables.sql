-- scaleout_catalog, SQL Server, revision 0006: environments, their variables, the projects' references
-- to them, and values set on a deployed project's parameters (literals, or names of variables).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE TABLE [internal].[environments] (
    [environment_id]   bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_environments] PRIMARY KEY,
    [environment_name] nvarchar(128) NOT NULL,
    [folder_id]        bigint NOT NULL CONSTRAINT [FK_environments_folders] REFERENCES [internal].[folders] ([folder_id]),
    [description]      nvarchar(1024) NULL,
    [created_by_name]  nvarchar(128) NOT NULL,
    [created_time]     datetimeoffset(7) NOT NULL CONSTRAINT [DF_environments_created] DEFAULT (SYSDATETIMEOFFSET()),
    CONSTRAINT [UQ_environments_folder_name] UNIQUE ([folder_id], [environment_name])
);
GO
-- A sensitive value: encrypted in sensitive_value on SQL Server; on Babelfish (no encryption, see
-- 0001/22_encryption.sql) it stays in value, which no view shows.
CREATE TABLE [internal].[environment_variables] (
    [variable_id]     bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_environment_variables] PRIMARY KEY,
    [environment_id]  bigint NOT NULL CONSTRAINT [FK_environment_variables_environments]
                          REFERENCES [internal].[environments] ([environment_id]) ON DELETE CASCADE,
    [name]            nvarchar(128) NOT NULL,
    [description]     nvarchar(1024) NULL,
    [type]            nvarchar(128) NOT NULL CONSTRAINT [CK_environment_variables_type]
                          CHECK ([type] IN (N'String', N'Int32', N'Int64', N'Double', N'Boolean', N'DateTime')),
    [sensitive]       bit NOT NULL,
    [value]           nvarchar(4000) NULL,
    [sensitive_value] varbinary(8000) NULL,
    CONSTRAINT [UQ_environment_variables_name] UNIQUE ([environment_id], [name])
);
GO
-- A project's reference names its environment, as SSISDB's does: relative ('R', the project's own
-- folder) or absolute ('A', environment_folder_name).
CREATE TABLE [internal].[environment_references] (
    [reference_id]            bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_environment_references] PRIMARY KEY,
    [project_id]              bigint NOT NULL CONSTRAINT [FK_environment_references_projects]
                                  REFERENCES [internal].[projects] ([project_id]) ON DELETE CASCADE,
    [reference_type]          char(1) NOT NULL,
    [environment_folder_name] nvarchar(128) NULL,
    [environment_name]        nvarchar(128) NOT NULL,
    [validation_status]       char(1) NOT NULL CONSTRAINT [DF_environment_references_validation] DEFAULT ('N'),
    [last_validation_time]    datetimeoffset(7) NULL,
    CONSTRAINT [CK_environment_references_type] CHECK (([reference_type] = 'R' AND [environment_folder_name] IS NULL)
                                                       OR ([reference_type] = 'A' AND [environment_folder_name] IS NOT NULL))
);
GO
CREATE INDEX [IX_environment_references_project] ON [internal].[environment_references] ([project_id], [environment_name]);
GO
-- A value set on the server for a deployed parameter ([catalog].[set_object_parameter_value]): 'V' a
-- literal (server_value, or sensitive_server_value when sensitive and encrypted), 'R' the name of an
-- environment variable, resolved through the execution's reference. default_value stays the design default.
-- One column a statement: Babelfish takes no list in ALTER TABLE ... ADD.
ALTER TABLE [internal].[object_parameters] ADD [value_type] char(1) NOT NULL CONSTRAINT [DF_object_parameters_value_type] DEFAULT ('V');
ALTER TABLE [internal].[object_parameters] ADD [value_set] bit NOT NULL CONSTRAINT [DF_object_parameters_value_set] DEFAULT (0);
ALTER TABLE [internal].[object_parameters] ADD [server_value] nvarchar(4000) NULL;
ALTER TABLE [internal].[object_parameters] ADD [sensitive_server_value] varbinary(8000) NULL;
ALTER TABLE [internal].[object_parameters] ADD [referenced_variable_name] nvarchar(128) NULL;
GO
-- The environment an execution took its values from.
ALTER TABLE [internal].[executions] ADD [reference_id] bigint NULL;
ALTER TABLE [internal].[executions] ADD [reference_type] char(1) NULL;
ALTER TABLE [internal].[executions] ADD [environment_folder_name] nvarchar(128) NULL;
ALTER TABLE [internal].[executions] ADD [environment_name] nvarchar(128) NULL;
GO
-- Who restored a version, and when ([catalog].[restore_project]): a restored version counts as recent
-- when old versions are pruned to MAX_PROJECT_VERSIONS.
ALTER TABLE [internal].[object_versions] ADD [restored_by] nvarchar(128) NULL;
ALTER TABLE [internal].[object_versions] ADD [last_restored_time] datetimeoffset(7) NULL;
GO
-- A number for each attempt, for [catalog].[executable_statistics] (SSISDB's statistics_id).
ALTER TABLE [internal].[task_attempts] ADD [statistics_id] bigint IDENTITY(1, 1) NOT NULL;
GO
