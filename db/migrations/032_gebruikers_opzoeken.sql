-- Users are looked up by two columns nothing indexed, so each such look-up read the whole table: a few
-- thousand rows in a fresh gemeente hid it, but the table gains a parent or two for every child ever
-- imported, and each of these look-ups grew with it.
--
-- By child (gebruikers.kind_id): the parents, at every message to them, at every delivery that gives
-- them a sign-in code, when the import stores a child, on the parents' pages. Measured on the import of
-- 1,000 children (issue 14): the parents' addresses took 1.1 ms a child (0.04 ms with the index), while
-- the opening's transaction held the key figures' totals row that every child of the location shares.
-- Only parents have a kind_id (001's CHECK: rol = 'ouder' exactly when kind_id is set): the index is
-- partial, the staff's rows are not in it.
CREATE INDEX gebruikers_kind_idx ON gebruikers (kind_id) WHERE kind_id IS NOT NULL;

-- By address, in any case (lower(email)): a parent who asks for a new code by e-mail (a page anyone may
-- post to), and the check that an address is not taken when an account is made.
CREATE INDEX gebruikers_email_idx ON gebruikers (lower(email));
