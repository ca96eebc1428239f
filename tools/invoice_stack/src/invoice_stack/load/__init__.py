"""The soak load generator: many invoices through a running stack, checked against
ground truth, with each process's memory compared before and after."""
