-- scaleout_catalog, SQL Server: after removing revision 0013 and putting back the views' earlier definitions.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
DROP VIEW IF EXISTS [internal].[caller_readable_folders];
DROP VIEW IF EXISTS [internal].[caller_readable_environments];
DROP VIEW IF EXISTS [internal].[caller_readable_projects];
DROP VIEW IF EXISTS [internal].[caller_environment_permissions];
DROP VIEW IF EXISTS [internal].[caller_project_permissions];
DROP VIEW IF EXISTS [internal].[caller_folder_permissions];
GO
