-- Read-side indexes (edge/src/query). Hand-written, not generated: drizzle's schema has no partial indexes.
-- Touchpoints other than session starts are the events with an explicit channel: a few percent of
-- all events, so a partial index turns a scan of the whole range into a seek over those alone.
CREATE INDEX IF NOT EXISTS `events_explicit_ts` ON `events` (`site_id`, `ts`, `session_id`, `channel`) WHERE `channel_explicit` = 1;
