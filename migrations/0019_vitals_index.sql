-- /vitals reads the page, metric and value out of each web_vital event's properties; this partial
-- index holds them (the expressions are query/load/aggregates.ts vitalSamples' own), so the read is
-- a seek over the index alone. Hand-written: drizzle-kit splits an expression at its comma.
CREATE INDEX `events_vitals` ON `events` (`site_id`,`ts`,`id`,COALESCE(properties ->> '$.path', path),properties ->> '$.name',properties ->> '$.value') WHERE event = 'web_vital';
