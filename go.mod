module github.com/hexcrawl/hexcrawl

go 1.26.8
