-- The store marks the days of the events and sessions it inserts, once per batch in the same
-- transaction (pipeline/store.ts): a trigger per inserted row made inserting events some 45% slower.
-- A site move copies the day digests with the rows they count. Updates and deletes keep their triggers.
DROP TRIGGER `events_activity_insert`;
--> statement-breakpoint
DROP TRIGGER `sessions_activity_insert`;
