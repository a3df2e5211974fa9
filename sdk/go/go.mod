module github.com/cloudbooks/go-sdk

go 1.19
