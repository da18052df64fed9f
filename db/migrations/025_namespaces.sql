-- A gemeente's engine namespace: its workflows, their histories and their payload keys apart from every
-- other gemeente's (core/temporal.py). NULL: the service's home namespace (gemeenten made before this,
-- such as the demo's). Set once, when the gemeente is made, and never changed: its workflows live there.
ALTER TABLE gemeenten ADD COLUMN namespace text UNIQUE CHECK (namespace ~ '^[a-z0-9][a-z0-9-]{0,62}$');
