-- scaleout_catalog, SQL Server: removes revision 0008 (schedules, their runs and values go with it).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
DROP PROCEDURE IF EXISTS [internal].[fire_schedules];
DROP PROCEDURE IF EXISTS [catalog].[create_schedule];
DROP PROCEDURE IF EXISTS [catalog].[enable_schedule];
DROP PROCEDURE IF EXISTS [catalog].[disable_schedule];
DROP PROCEDURE IF EXISTS [catalog].[delete_schedule];
DROP PROCEDURE IF EXISTS [catalog].[run_schedule_now];
DROP VIEW IF EXISTS [catalog].[schedule_runs];
DROP VIEW IF EXISTS [catalog].[schedules];
DROP PROCEDURE IF EXISTS [internal].[fire_schedule];
DROP PROCEDURE IF EXISTS [internal].[start_scheduled_execution];
DROP PROCEDURE IF EXISTS [internal].[schedule_problem];
DROP PROCEDURE IF EXISTS [internal].[schedule_for_caller];
DROP PROCEDURE IF EXISTS [internal].[parse_cron];
DROP PROCEDURE IF EXISTS [internal].[is_time_zone];
DROP FUNCTION IF EXISTS [internal].[cron_next_time];
DROP FUNCTION IF EXISTS [internal].[cron_field_mask];
DROP FUNCTION IF EXISTS [internal].[cron_value];
DROP FUNCTION IF EXISTS [internal].[bit_of];
DROP TABLE IF EXISTS [internal].[schedule_runs];
DROP TABLE IF EXISTS [internal].[schedule_parameter_values];
DROP TABLE IF EXISTS [internal].[schedules];
GO
