CREATE TABLE `rebuild_events` (
	`site_id` text NOT NULL,
	`message_id` text NOT NULL,
	`ident_key` text NOT NULL,
	`ts` integer NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`site_id`, `message_id`)
);
--> statement-breakpoint
CREATE INDEX `rebuild_events_ident` ON `rebuild_events` (`site_id`,`ident_key`,`ts`);--> statement-breakpoint
ALTER TABLE `journey_meta` ADD `rebuild_phase` text;--> statement-breakpoint
ALTER TABLE `journey_meta` ADD `rebuild_cursor` text;--> statement-breakpoint
ALTER TABLE `journey_meta` ADD `rebuild_staged` integer;--> statement-breakpoint
ALTER TABLE `journey_meta` ADD `rebuild_run` text;