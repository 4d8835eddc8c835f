@echo off
rem The `loupe` command of an installed Loupe on Windows (resources\bin\loupe.cmd): add this
rem folder to PATH. The app's executable answers `loupe` commands itself.
"%~dp0..\..\Loupe.exe" %*
