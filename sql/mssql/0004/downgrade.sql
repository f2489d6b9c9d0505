-- scaleout_catalog, SQL Server: removes revision 0004. What it redefined is put back from 0003 after this.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
DROP PROCEDURE IF EXISTS [internal].[report_tasks];
DROP PROCEDURE IF EXISTS [internal].[write_operation_messages];
GO
