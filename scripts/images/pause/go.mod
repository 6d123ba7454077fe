module sentinels.local/pause

go 1.22
