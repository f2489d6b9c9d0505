-- scaleout_catalog, SQL Server: after removing revision 0012 and putting back the views' earlier definitions.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
DROP VIEW IF EXISTS [internal].[caller_operation_permissions];
GO
