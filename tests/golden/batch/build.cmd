@echo off
REM build and push
set IMAGE=registry.acme.io/orders
if "%1"=="" goto usage
docker build -t %IMAGE%:%1 .
:usage
echo usage: build.cmd TAG
exit /b 1
