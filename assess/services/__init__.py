"""Services: the rules and database work behind every front end (web pages, PDFs, the command line)."""
