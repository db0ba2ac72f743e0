"""billing-worker: turns invoice events into PDF invoices and ledger entries."""
