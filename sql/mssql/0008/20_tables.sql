-- scaleout_catalog, SQL Server, revision 0008: schedules, which SSIS leaves to SQL Agent (the reasoning
-- of each column is in the PostgreSQL twin). The time zone is a Windows name, as AT TIME ZONE takes it.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE TABLE [internal].[schedules] (
    [schedule_id]       bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_schedules] PRIMARY KEY,
    [folder_name]       nvarchar(128) NOT NULL,
    [name]              nvarchar(128) NOT NULL,
    [project_name]      nvarchar(128) NOT NULL,
    [package_name]      nvarchar(260) NOT NULL,
    [reference_id]      bigint NULL,
    [cron_expression]   nvarchar(128) NOT NULL,
    [time_zone]         nvarchar(64) NOT NULL,
    [second_mask]       bigint NOT NULL,
    [minute_mask]       bigint NOT NULL,
    [hour_mask]         bigint NOT NULL,
    [day_mask]          bigint NOT NULL,
    [month_mask]        bigint NOT NULL,
    [weekday_mask]      bigint NOT NULL,
    [days_either]       bit NOT NULL,
    [retry_count]       int NOT NULL CONSTRAINT [CK_schedules_retry_count] CHECK ([retry_count] BETWEEN 0 AND 100),
    [worker_agent_id]   uniqueidentifier NULL,
    [missed_run_policy] nvarchar(8) NOT NULL CONSTRAINT [CK_schedules_missed_run_policy]
                            CHECK ([missed_run_policy] IN (N'skip', N'run_once')),
    [is_enabled]        bit NOT NULL,
    [owner_name]        nvarchar(256) NOT NULL,
    [created_time]      datetimeoffset(7) NOT NULL CONSTRAINT [DF_schedules_created_time] DEFAULT (SYSDATETIMEOFFSET()),
    [next_run_time]     datetimeoffset(7) NULL,
    [last_run_time]     datetimeoffset(7) NULL,
    [last_execution_id] bigint NULL,
    CONSTRAINT [UQ_schedules_name] UNIQUE ([folder_name], [name])
);
GO
CREATE INDEX [IX_schedules_due] ON [internal].[schedules] ([next_run_time]) WHERE [is_enabled] = 1;
GO
CREATE TABLE [internal].[schedule_parameter_values] (
    [schedule_id]               bigint NOT NULL CONSTRAINT [FK_schedule_parameter_values_schedules]
                                    REFERENCES [internal].[schedules] ([schedule_id]) ON DELETE CASCADE,
    [object_type]               smallint NOT NULL CONSTRAINT [CK_schedule_parameter_values_object_type]
                                    CHECK ([object_type] IN (20, 30, 50)),
    [parameter_name]            nvarchar(128) NOT NULL,
    [parameter_value]           nvarchar(4000) NULL,      -- a sensitive one only where it cannot be encrypted
    [sensitive_parameter_value] varbinary(8000) NULL,
    [sensitive]                 bit NOT NULL,
    CONSTRAINT [PK_schedule_parameter_values] PRIMARY KEY ([schedule_id], [object_type], [parameter_name])
);
GO
CREATE TABLE [internal].[schedule_runs] (
    [run_id]        bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_schedule_runs] PRIMARY KEY,
    [schedule_id]   bigint NOT NULL CONSTRAINT [FK_schedule_runs_schedules]
                        REFERENCES [internal].[schedules] ([schedule_id]) ON DELETE CASCADE,
    [run_type]      char(1) NOT NULL CONSTRAINT [CK_schedule_runs_run_type] CHECK ([run_type] IN ('S', 'C', 'K', 'M')),
    [due_time]      datetimeoffset(7) NOT NULL,
    [fired_time]    datetimeoffset(7) NOT NULL CONSTRAINT [DF_schedule_runs_fired_time] DEFAULT (SYSDATETIMEOFFSET()),
    [fired_by]      nvarchar(256) NOT NULL,
    [execution_id]  bigint NULL CONSTRAINT [FK_schedule_runs_operations]
                        REFERENCES [internal].[operations] ([operation_id]) ON DELETE CASCADE,
    [missed_count]  int NOT NULL CONSTRAINT [DF_schedule_runs_missed_count] DEFAULT (0),
    [error_number]  int NULL,
    [error_message] nvarchar(2000) NULL,
    CONSTRAINT [UQ_schedule_runs_due] UNIQUE ([schedule_id], [run_type], [due_time])
);
GO
CREATE INDEX [IX_schedule_runs_execution] ON [internal].[schedule_runs] ([execution_id]) WHERE [execution_id] IS NOT NULL;
GO
