module invoice/aggregate-service-go

go 1.26

require golang.org/x/text v0.40.0
