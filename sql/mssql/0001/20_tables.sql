-- scaleout_catalog, SQL Server: tables (schema internal). Same names and meanings as sql/postgresql.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE TABLE [internal].[catalog_properties] (
    [property_name]  nvarchar(256) NOT NULL CONSTRAINT [PK_catalog_properties] PRIMARY KEY,
    [property_value] nvarchar(256) NOT NULL
);
GO
INSERT INTO [internal].[catalog_properties] ([property_name], [property_value]) VALUES
    (N'DEFAULT_EXECUTION_MODE', N'1'),
    (N'IS_SCALEOUT_ENABLED', N'True'),
    (N'RETENTION_WINDOW', N'365'),
    (N'OPERATION_CLEANUP_ENABLED', N'TRUE'),
    (N'MAX_PROJECT_VERSIONS', N'10'),
    (N'SERVER_LOGGING_LEVEL', N'1'),
    (N'SCHEMA_VERSION', N'1'),
    (N'WORKER_LEASE_SECONDS', N'30'),
    (N'WORKER_ONLINE_WINDOW_SECONDS', N'30');
GO
CREATE TABLE [internal].[master_properties] (
    [property_name]  nvarchar(256) NOT NULL CONSTRAINT [PK_master_properties] PRIMARY KEY,
    [property_value] nvarchar(max) NOT NULL
);
GO
CREATE TABLE [internal].[worker_agents] (
    [worker_agent_id]        uniqueidentifier NOT NULL CONSTRAINT [PK_worker_agents] PRIMARY KEY,
    [is_enabled]             bit NOT NULL CONSTRAINT [DF_worker_agents_is_enabled] DEFAULT (0),
    [display_name]           nvarchar(256) NULL,
    [description]            nvarchar(max) NULL,
    [machine_name]           nvarchar(256) NULL,
    [tags]                   nvarchar(max) NULL,
    [user_account]           nvarchar(256) NOT NULL,
    [last_online_time]       datetimeoffset(7) NOT NULL CONSTRAINT [DF_worker_agents_last_online] DEFAULT (SYSDATETIMEOFFSET()),
    [certificate_thumbprint] nvarchar(128) NULL,
    [next_certificate_thumbprint] nvarchar(128) NULL,       -- announced by the worker before a rotation
    [max_tasks]              int NULL,
    [created_time]           datetimeoffset(7) NOT NULL CONSTRAINT [DF_worker_agents_created] DEFAULT (SYSDATETIMEOFFSET())
);
GO
CREATE TABLE [internal].[folders] (
    [folder_id]       bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_folders] PRIMARY KEY,
    [name]            nvarchar(128) NOT NULL CONSTRAINT [UQ_folders_name] UNIQUE,
    [description]     nvarchar(1024) NULL,
    [created_by_name] nvarchar(128) NOT NULL,
    [created_time]    datetimeoffset(7) NOT NULL CONSTRAINT [DF_folders_created] DEFAULT (SYSDATETIMEOFFSET())
);
GO
CREATE TABLE [internal].[projects] (
    [project_id]         bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_projects] PRIMARY KEY,
    [folder_id]          bigint NOT NULL CONSTRAINT [FK_projects_folders] REFERENCES [internal].[folders] ([folder_id]),
    [name]               nvarchar(128) NOT NULL,
    [description]        nvarchar(1024) NULL,
    [object_version_lsn] bigint NULL,
    [deployed_by_name]   nvarchar(128) NOT NULL,
    [last_deployed_time] datetimeoffset(7) NOT NULL CONSTRAINT [DF_projects_deployed] DEFAULT (SYSDATETIMEOFFSET()),
    [created_time]       datetimeoffset(7) NOT NULL CONSTRAINT [DF_projects_created] DEFAULT (SYSDATETIMEOFFSET()),
    CONSTRAINT [UQ_projects_folder_name] UNIQUE ([folder_id], [name])
);
GO
CREATE TABLE [internal].[object_versions] (
    [object_version_lsn] bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_object_versions] PRIMARY KEY,
    [project_id]         bigint NOT NULL CONSTRAINT [FK_object_versions_projects]
                             REFERENCES [internal].[projects] ([project_id]) ON DELETE CASCADE,
    [version]            nvarchar(128) NULL,
    [project_stream]     varbinary(max) NOT NULL,
    [project_checksum]   char(64) NOT NULL,
    [created_by]         nvarchar(128) NOT NULL,
    [created_time]       datetimeoffset(7) NOT NULL CONSTRAINT [DF_object_versions_created] DEFAULT (SYSDATETIMEOFFSET())
);
GO
CREATE TABLE [internal].[packages] (
    [package_id]          bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_packages] PRIMARY KEY,
    [project_version_lsn] bigint NOT NULL CONSTRAINT [FK_packages_object_versions]
                              REFERENCES [internal].[object_versions] ([object_version_lsn]) ON DELETE CASCADE,
    [name]                nvarchar(260) NOT NULL,
    [entry_point]         nvarchar(512) NOT NULL,
    [description]         nvarchar(1024) NULL,
    CONSTRAINT [UQ_packages_version_name] UNIQUE ([project_version_lsn], [name])
);
GO
CREATE TABLE [internal].[object_parameters] (
    [parameter_id]        bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_object_parameters] PRIMARY KEY,
    [project_version_lsn] bigint NOT NULL CONSTRAINT [FK_object_parameters_object_versions]
                              REFERENCES [internal].[object_versions] ([object_version_lsn]) ON DELETE CASCADE,
    [object_type]         smallint NOT NULL CONSTRAINT [CK_object_parameters_type] CHECK ([object_type] IN (20, 30)),
    [object_name]         nvarchar(260) NOT NULL,
    [parameter_name]      nvarchar(128) NOT NULL,
    [data_type]           nvarchar(128) NOT NULL,
    [required]            bit NOT NULL,
    [sensitive]           bit NOT NULL,
    [default_value]       nvarchar(4000) NULL,
    [description]         nvarchar(1024) NULL,
    CONSTRAINT [UQ_object_parameters] UNIQUE ([project_version_lsn], [object_type], [object_name], [parameter_name])
);
GO
CREATE TABLE [internal].[operations] (
    [operation_id]    bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_operations] PRIMARY KEY,
    [operation_type]  smallint NOT NULL,
    [created_time]    datetimeoffset(7) NOT NULL CONSTRAINT [DF_operations_created] DEFAULT (SYSDATETIMEOFFSET()),
    [object_type]     smallint NULL,
    [object_id]       bigint NULL,
    [object_name]     nvarchar(260) NULL,
    [status]          int NOT NULL,
    [start_time]      datetimeoffset(7) NULL,
    [end_time]        datetimeoffset(7) NULL,
    [caller_name]     nvarchar(128) NOT NULL,
    [process_id]      int NULL,
    [stopped_by_name] nvarchar(128) NULL,
    [server_name]     nvarchar(128) NULL,
    [machine_name]    nvarchar(256) NULL,
    [worker_agent_id] uniqueidentifier NULL,
    [executed_count]  int NOT NULL CONSTRAINT [DF_operations_executed_count] DEFAULT (0)
);
GO
CREATE INDEX [IX_operations_end_time] ON [internal].[operations] ([end_time]) WHERE [end_time] IS NOT NULL;
GO
CREATE TABLE [internal].[executions] (
    [execution_id]     bigint NOT NULL CONSTRAINT [PK_executions] PRIMARY KEY
                           CONSTRAINT [FK_executions_operations] REFERENCES [internal].[operations] ([operation_id]) ON DELETE CASCADE,
    [folder_name]      nvarchar(128) NOT NULL,
    [project_name]     nvarchar(128) NOT NULL,
    [package_name]     nvarchar(260) NOT NULL,
    [project_id]       bigint NOT NULL,
    [project_lsn]      bigint NOT NULL,
    [use32bitruntime]  bit NOT NULL,
    [executed_as_name] nvarchar(128) NOT NULL,
    [job_id]           uniqueidentifier NULL
);
GO
CREATE TABLE [internal].[execution_parameter_values] (
    [execution_parameter_id]    bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_execution_parameter_values] PRIMARY KEY,
    [execution_id]              bigint NOT NULL CONSTRAINT [FK_execution_parameter_values_executions]
                                    REFERENCES [internal].[executions] ([execution_id]) ON DELETE CASCADE,
    [object_type]               smallint NOT NULL,
    [parameter_data_type]       nvarchar(128) NOT NULL,
    [parameter_name]            nvarchar(128) NOT NULL,
    [parameter_value]           nvarchar(4000) NULL,
    [sensitive_parameter_value] varbinary(max) NULL,
    [sensitive]                 bit NOT NULL,
    [required]                  bit NOT NULL,
    [value_set]                 bit NOT NULL,
    [runtime_override]          bit NOT NULL CONSTRAINT [DF_execution_parameter_values_override] DEFAULT (0),
    CONSTRAINT [UQ_execution_parameter_values] UNIQUE ([execution_id], [object_type], [parameter_name])
);
GO
CREATE TABLE [internal].[jobs] (
    [job_id]                uniqueidentifier NOT NULL CONSTRAINT [PK_jobs] PRIMARY KEY,
    [is_cancelled]          bit NOT NULL CONSTRAINT [DF_jobs_is_cancelled] DEFAULT (0),
    [created_time]          datetimeoffset(7) NOT NULL CONSTRAINT [DF_jobs_created] DEFAULT (SYSDATETIMEOFFSET()),
    [job_type]              int NOT NULL,
    [input_data]            nvarchar(max) NULL,
    [creator]               nvarchar(256) NOT NULL,
    [priority]              int NOT NULL CONSTRAINT [DF_jobs_priority] DEFAULT (0),
    [use_all_worker_agents] bit NOT NULL,
    [last_updated_time]     datetimeoffset(7) NOT NULL CONSTRAINT [DF_jobs_updated] DEFAULT (SYSDATETIMEOFFSET())
);
GO
CREATE TABLE [internal].[job_worker_agents] (
    [job_id]          uniqueidentifier NOT NULL CONSTRAINT [FK_job_worker_agents_jobs]
                          REFERENCES [internal].[jobs] ([job_id]) ON DELETE CASCADE,
    [worker_agent_id] uniqueidentifier NOT NULL,
    CONSTRAINT [PK_job_worker_agents] PRIMARY KEY ([job_id], [worker_agent_id])
);
GO
-- The hot queue: queued and running tasks only; finished ones move to tasks_history.
CREATE TABLE [internal].[tasks] (
    [task_id]                 uniqueidentifier NOT NULL CONSTRAINT [PK_tasks] PRIMARY KEY NONCLUSTERED,
    [job_id]                  uniqueidentifier NOT NULL CONSTRAINT [FK_tasks_jobs] REFERENCES [internal].[jobs] ([job_id]) ON DELETE CASCADE,
    [execution_id]            bigint NOT NULL,
    [task_type]               int NOT NULL,
    [input_data]              nvarchar(max) NULL,
    [max_executed_count]      int NOT NULL CONSTRAINT [CK_tasks_max_executed_count] CHECK ([max_executed_count] > 0),
    [executed_count]          int NOT NULL CONSTRAINT [DF_tasks_executed_count] DEFAULT (0),
    [status]                  int NOT NULL,
    [priority]                int NOT NULL,
    [use_any_worker]          bit NOT NULL,
    [ready_for_dispatch_time] datetimeoffset(7) NULL,
    [worker_agent_id]         uniqueidentifier NULL,
    [lease_token]             uniqueidentifier NULL,
    [expired_time]            datetimeoffset(7) NULL,
    [is_cancelled]            bit NOT NULL CONSTRAINT [DF_tasks_is_cancelled] DEFAULT (0),
    [last_pickup_time]        datetimeoffset(7) NULL,
    [created_time]            datetimeoffset(7) NOT NULL CONSTRAINT [DF_tasks_created] DEFAULT (SYSDATETIMEOFFSET()),
    [last_updated_time]       datetimeoffset(7) NOT NULL CONSTRAINT [DF_tasks_updated] DEFAULT (SYSDATETIMEOFFSET())
);
GO
CREATE INDEX [IX_tasks_queue] ON [internal].[tasks] ([priority] DESC, [ready_for_dispatch_time], [task_id])
    INCLUDE ([job_id], [use_any_worker]) WHERE [status] = 1;
GO
CREATE INDEX [IX_tasks_expired] ON [internal].[tasks] ([expired_time]) WHERE [status] = 2;
GO
CREATE INDEX [IX_tasks_execution] ON [internal].[tasks] ([execution_id]);
GO
CREATE TABLE [internal].[tasks_history] (
    [task_id]            uniqueidentifier NOT NULL CONSTRAINT [PK_tasks_history] PRIMARY KEY,
    [job_id]             uniqueidentifier NOT NULL,
    [execution_id]       bigint NOT NULL,
    [task_type]          int NOT NULL,
    [input_data]         nvarchar(max) NULL,
    [max_executed_count] int NOT NULL,
    [executed_count]     int NOT NULL,
    [status]             int NOT NULL,
    [priority]           int NOT NULL,
    [use_any_worker]     bit NOT NULL,
    [worker_agent_id]    uniqueidentifier NULL,
    [is_cancelled]       bit NOT NULL,
    [last_pickup_time]   datetimeoffset(7) NULL,
    [created_time]       datetimeoffset(7) NOT NULL,
    [last_updated_time]  datetimeoffset(7) NOT NULL
);
GO
CREATE INDEX [IX_tasks_history_execution] ON [internal].[tasks_history] ([execution_id]);
GO
CREATE TABLE [internal].[task_attempts] (
    [lease_token]     uniqueidentifier NOT NULL CONSTRAINT [PK_task_attempts] PRIMARY KEY,
    [task_id]         uniqueidentifier NOT NULL,
    [execution_id]    bigint NOT NULL,
    [attempt]         int NOT NULL,
    [worker_agent_id] uniqueidentifier NOT NULL,
    [claimed_time]    datetimeoffset(7) NOT NULL CONSTRAINT [DF_task_attempts_claimed] DEFAULT (SYSDATETIMEOFFSET()),
    [ended_time]      datetimeoffset(7) NULL,
    [status]          int NOT NULL CONSTRAINT [DF_task_attempts_status] DEFAULT (2)
);
GO
CREATE INDEX [IX_task_attempts_execution] ON [internal].[task_attempts] ([execution_id]);
GO
CREATE TABLE [internal].[operation_messages] (
    [operation_message_id] bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_operation_messages] PRIMARY KEY,
    [operation_id]         bigint NOT NULL CONSTRAINT [FK_operation_messages_operations]
                               REFERENCES [internal].[operations] ([operation_id]) ON DELETE CASCADE,
    [message_time]         datetimeoffset(7) NOT NULL,
    [message_type]         smallint NOT NULL,
    [message_source_type]  smallint NOT NULL,
    [message]              nvarchar(max) NOT NULL,
    [event_message_guid]   uniqueidentifier NOT NULL CONSTRAINT [UQ_operation_messages_guid] UNIQUE,
    [worker_agent_id]      uniqueidentifier NULL,
    [attempt]              int NULL
);
GO
CREATE INDEX [IX_operation_messages_operation] ON [internal].[operation_messages] ([operation_id], [message_time]);
GO
