"""Temporal workflows: one durable HandoverWorkflow per overdracht."""
