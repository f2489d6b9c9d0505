-- Queues {count} executions through the catalog's own procedures (tests and benchmarks).
SET NOCOUNT ON;
DECLARE @i int = 0, @id bigint;
WHILE @i < {count}
BEGIN
    SET @id = NULL;
    EXEC [catalog].[create_execution] @folder_name = N'{folder}', @project_name = N'{project}',
         @package_name = N'{package}', @execution_id = @id OUTPUT;
    EXEC [catalog].[start_execution] @execution_id = @id, @retry_count = {retry_count};
    SET @i += 1;
END
