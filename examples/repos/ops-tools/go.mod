module github.com/acme/ops-tools

go 1.22
