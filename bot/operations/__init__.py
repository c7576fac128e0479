"""What runs for the organisation on a clock or a file: the reminder sweep and scheduler,
delivery of the outbox, imports, rota planning and due-date queries."""
