"""What may leave the machine: secret detection, private paths, redaction, the audit log."""
