-- Read-side covering index (edge/src/query): journeys read every session start of a range. Answered
-- from the index alone, without visiting the rows, that read is about a third faster at 1M events.
CREATE INDEX IF NOT EXISTS `sessions_touch` ON `sessions` (`site_id`, `start_ts`, `ident_key`, `channel`, `source`, `campaign`, `country`, `device`);
