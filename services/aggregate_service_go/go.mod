module invoice/aggregate-service-go

go 1.26
