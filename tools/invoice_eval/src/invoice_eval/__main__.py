from invoice_eval.cli import main

main()
