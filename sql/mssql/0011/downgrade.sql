-- scaleout_catalog, SQL Server: removes revision 0011 (it changed nothing here).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
