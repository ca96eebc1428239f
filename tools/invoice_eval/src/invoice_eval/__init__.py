"""Field accuracy of the extraction on invoices with ground truth."""
