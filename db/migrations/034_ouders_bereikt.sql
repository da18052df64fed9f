-- A message to the parents goes to each parent as a mail of their own, with their own code
-- (activities/berichten.py). When the mail server takes some of them and refuses the others for now,
-- the parents it took are noted here and the start of the delivery is cleared: a later attempt sends
-- only to the others. Nobody gets the message twice, and a parent refused for a passing reason is not
-- left without it. Emptied once the message is final, so it holds ids only while a delivery is partial.
ALTER TABLE berichten ADD COLUMN ouders_bereikt uuid[] NOT NULL DEFAULT '{}';
