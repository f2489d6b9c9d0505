-- scaleout_catalog, SQL Server, revision 0002: strict names and values, JSON checks, and the pulse.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- The catalog's pulse (the reasoning is in the PostgreSQL twin): a silence of every worker longer than
-- half a lease is credited back to the leases that were running when it began. Called inside the
-- caller's transaction, after its checks, so that a refused call changes nothing.
CREATE PROCEDURE [internal].[take_pulse]
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @now datetimeoffset(7) = SYSDATETIMEOFFSET(), @last datetimeoffset(7), @lease int, @throttle_ms int;
    SET @lease = [internal].[catalog_property_int](N'WORKER_LEASE_SECONDS');
    SET @throttle_ms = CASE WHEN @lease * 125 < 1000 THEN @lease * 125 ELSE 1000 END;
    SELECT @last = [last_pulse_time] FROM [internal].[catalog_pulse] WHERE [pulse_id] = 1;
    IF @last IS NULL OR @last > DATEADD(millisecond, -@throttle_ms, @now) RETURN 0;   -- the hot path
    -- Compare and set: of sessions that read the same pulse, one moves it and credits the silence.
    UPDATE [internal].[catalog_pulse] SET [last_pulse_time] = @now WHERE [pulse_id] = 1 AND [last_pulse_time] = @last;
    IF @@ROWCOUNT = 1 AND DATEDIFF_BIG(millisecond, @last, @now) > @lease * 500
        UPDATE [internal].[tasks]
        SET [expired_time] = DATEADD(millisecond, DATEDIFF(millisecond, @last, @now), [expired_time])
        WHERE [status] = 2 AND [expired_time] > @last;
    RETURN 0;
END
GO
-- 1 when @value holds a control character (C0, DEL, C1); tab and line breaks are allowed when @allow_breaks = 1.
CREATE FUNCTION [internal].[has_control_characters] (@value nvarchar(max), @allow_breaks bit)
RETURNS bit
AS
BEGIN
    -- LEN ignores trailing blanks, hence the x; DATALENGTH would count bytes, which differ on Babelfish (UTF-8).
    DECLARE @i int = 1, @c int, @length int = LEN(@value + N'x') - 1;
    WHILE @i <= @length
    BEGIN
        SET @c = UNICODE(SUBSTRING(@value, @i, 1));
        IF (@c < 32 AND NOT (@allow_breaks = 1 AND @c IN (9, 10, 13))) OR @c BETWEEN 127 AND 159 RETURN 1;
        SET @i += 1;
    END;
    RETURN 0;
END
GO
-- Names of folders, projects, packages and workers: not NULL, 1 to @max characters, no control
-- characters, no leading or trailing blanks.
CREATE PROCEDURE [internal].[require_valid_name]
    @value nvarchar(4000),
    @name  nvarchar(300),
    @max   int
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000), @length int = LEN(@value + N'x') - 1;   -- counts trailing blanks too
    IF @value IS NULL EXEC [internal].[null_argument] @name;
    IF @length = 0 OR @length > @max OR [internal].[has_control_characters](@value, 0) = 1
       OR UNICODE(LEFT(@value, 1)) IN (32, 160, 12288) OR UNICODE(RIGHT(@value, 1)) IN (32, 160, 12288)
    BEGIN
        SET @message = CONCAT(N'The value for ', CASE WHEN CHARINDEX(N' ', @name) = 0 THEN N'@' END, @name,
            N' is not valid: a name has 1 to ', @max,
            N' characters, no control characters, and does not begin or end with a blank. Pass another name.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
END
GO
-- A JSON parameter of a worker procedure: valid JSON, an array, every element an object.
CREATE PROCEDURE [internal].[require_json_array]
    @value   nvarchar(max),
    @name    nvarchar(128),
    @example nvarchar(400)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000);
    IF @value IS NULL EXEC [internal].[null_argument] @name;
    IF ISJSON(@value) = 0 OR LEFT(LTRIM(@value), 1) <> N'['
       OR EXISTS (SELECT 1 FROM OPENJSON(@value) AS e WHERE e.[type] <> 5)
    BEGIN
        SET @message = CONCAT(N'The value for @', @name, N' must be a JSON array of objects, such as ', @example, N'.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
END
GO
-- Redefined: dropped and created again (Babelfish has no ALTER FUNCTION); 60_grants gives it back its rights.
DROP FUNCTION IF EXISTS [internal].[is_valid_value];
GO
-- 1 when @value is a valid literal of the SSIS data type @type, in the forms both dialects read
-- alike: ASCII digits, finite decimal numbers, ISO 8601 dates and times. A - goes first in a LIKE
-- set: Babelfish reads a trailing one wrongly.
CREATE FUNCTION [internal].[is_valid_value] (@type nvarchar(128), @value nvarchar(4000))
RETURNS bit
AS
BEGIN
    DECLARE @s nvarchar(4000) = LTRIM(RTRIM(@value));
    IF @value IS NULL RETURN 1;
    RETURN CASE
        WHEN @type = N'String' THEN 1
        WHEN @type IN (N'Int32', N'Int64') AND (@s LIKE N'[0123456789]%' OR @s LIKE N'[-+][0123456789]%')
             AND SUBSTRING(@s, 2, 4000) NOT LIKE N'%[^0123456789]%'
             AND ((@type = N'Int32' AND TRY_CONVERT(int, @s) IS NOT NULL)
                  OR (@type = N'Int64' AND TRY_CONVERT(bigint, @s) IS NOT NULL)) THEN 1
        WHEN @type = N'Double' AND @s LIKE N'%[0123456789]%' AND @s NOT LIKE N'%[^-+.eE0123456789]%'
             AND TRY_CONVERT(float, @s) IS NOT NULL THEN 1
        WHEN @type = N'Boolean' AND LOWER(@s) IN (N'true', N'false', N'1', N'0') THEN 1
        WHEN @type = N'DateTime'
             AND @s LIKE N'[0123456789][0123456789][0123456789][0123456789]-[0123456789][0123456789]-[0123456789][0123456789]%'
             AND @s NOT LIKE N'%[^-+:. TZ0123456789]%' AND TRY_CONVERT(datetimeoffset, @s) IS NOT NULL THEN 1
        ELSE 0
    END;
END
GO
