-- scaleout_catalog, SQL Server, revision 0008: workers fire due schedules. Each due schedule is claimed
-- by an UPDATE that only the first worker gets a row from (one that waited on it finds it no longer
-- due), then fired and moved on, in one transaction per schedule: a worker that dies mid-call fires
-- nothing of that schedule, and the next call fires it instead. Variables are datetimeoffset without a
-- precision (7 on SQL Server): Babelfish 4.3 refuses datetimeoffset(7) in parameters and table variables.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE PROCEDURE [internal].[fire_schedules]
    @WorkerAgentId uniqueidentifier
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @now datetimeoffset, @grace_start datetimeoffset, @id bigint, @due datetimeoffset,
            @first_due datetimeoffset, @next datetimeoffset, @missed int, @n int, @count int = 0,
            @by nvarchar(256) = LOWER(CONVERT(nvarchar(36), @WorkerAgentId)), @policy nvarchar(8), @run_type char(1),
            @second_mask bigint, @minute_mask bigint, @hour_mask bigint, @day_mask bigint, @month_mask bigint,
            @weekday_mask bigint, @days_either bit, @time_zone nvarchar(64), @earliest datetimeoffset;
    -- @by: the worker agent id in lower case, as PostgreSQL writes a uuid
    DECLARE @due_now TABLE ([schedule_id] bigint PRIMARY KEY, [next_run_time] datetimeoffset);
    EXEC [internal].[authorize_worker] @WorkerAgentId, 1;
    SET @now = SYSDATETIMEOFFSET();
    SET @grace_start = DATEADD(second, -60, @now);   -- a due time later than this was missed
    INSERT INTO @due_now ([schedule_id], [next_run_time])
    SELECT TOP (100) [schedule_id], [next_run_time] FROM [internal].[schedules]
    WHERE [is_enabled] = 1 AND [next_run_time] <= @now ORDER BY [next_run_time];
    WHILE 1 = 1
    BEGIN
        SET @id = NULL;
        SELECT TOP (1) @id = [schedule_id] FROM @due_now ORDER BY [next_run_time], [schedule_id];
        IF @id IS NULL
            BREAK;
        DELETE FROM @due_now WHERE [schedule_id] = @id;
        BEGIN TRANSACTION;
        UPDATE [internal].[schedules] SET [next_run_time] = [next_run_time]
        WHERE [schedule_id] = @id AND [is_enabled] = 1 AND [next_run_time] <= @now;
        IF @@ROWCOUNT = 0
        BEGIN
            COMMIT TRANSACTION;     -- another worker fired it, or it was disabled
            CONTINUE;
        END;
        SELECT @due = [next_run_time], @policy = [missed_run_policy], @second_mask = [second_mask], @minute_mask = [minute_mask],
               @hour_mask = [hour_mask], @day_mask = [day_mask], @month_mask = [month_mask], @weekday_mask = [weekday_mask],
               @days_either = [days_either], @time_zone = [time_zone]
        FROM [internal].[schedules] WHERE [schedule_id] = @id;
        IF @due < @grace_start
        BEGIN
            -- An outage: the due times before the grace window are missed; skip them, or run once for them.
            SET @first_due = @due;
            SET @next = [internal].[cron_next_time](@second_mask, @minute_mask, @hour_mask, @day_mask, @month_mask,
                @weekday_mask, @days_either, @time_zone, DATEADD(second, -1, @grace_start));
            SET @missed = 0;
            WHILE @due IS NOT NULL AND @due < @grace_start AND @missed < 1000   -- counted up to 1000
            BEGIN
                SET @missed = @missed + 1;
                SET @due = [internal].[cron_next_time](@second_mask, @minute_mask, @hour_mask, @day_mask, @month_mask,
                    @weekday_mask, @days_either, @time_zone, @due);
            END;
            SET @run_type = CASE WHEN @policy = N'run_once' THEN 'C' ELSE 'K' END;
            EXEC [internal].[fire_schedule] @id, @run_type, @first_due, @by, @missed;
            IF @policy = N'run_once'
                SET @count = @count + 1;
            SET @due = @next;
        END;
        SET @n = 0;
        WHILE @due IS NOT NULL AND @due <= @now AND @n < 100   -- at most 100 due times per schedule and call
        BEGIN
            EXEC [internal].[fire_schedule] @id, 'S', @due, @by;
            SET @n = @n + 1;
            SET @due = [internal].[cron_next_time](@second_mask, @minute_mask, @hour_mask, @day_mask, @month_mask,
                @weekday_mask, @days_either, @time_zone, @due);
        END;
        SET @count = @count + @n;
        UPDATE [internal].[schedules] SET [next_run_time] = @due WHERE [schedule_id] = @id;
        COMMIT TRANSACTION;
    END;
    SELECT @earliest = MIN([next_run_time]) FROM [internal].[schedules] WHERE [is_enabled] = 1;
    SELECT @count AS [fired],
           CASE WHEN @earliest IS NULL THEN NULL
                WHEN @earliest > DATEADD(day, 1, SYSDATETIMEOFFSET()) THEN CONVERT(float, 86400)
                ELSE DATEDIFF(millisecond, SYSDATETIMEOFFSET(), @earliest) / 1000.0 END AS [next_due_seconds];
END
GO
