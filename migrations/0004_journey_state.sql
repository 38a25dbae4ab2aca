CREATE TABLE `journey_meta` (
	`site_id` text PRIMARY KEY NOT NULL,
	`aged_before` integer DEFAULT 0 NOT NULL,
	`journeys_key` text,
	`rebuild_state` text,
	`rebuild_done` integer,
	`rebuild_total` integer
);
--> statement-breakpoint
CREATE TABLE `journeys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`site_id` text NOT NULL,
	`conversion` text NOT NULL,
	`person_id` text NOT NULL,
	`end_ts` integer NOT NULL,
	`lookback_days` integer NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `journeys_end` ON `journeys` (`site_id`,`conversion`,`end_ts`);--> statement-breakpoint
CREATE INDEX `journeys_person` ON `journeys` (`site_id`,`person_id`);--> statement-breakpoint
CREATE TABLE `person_state` (
	`site_id` text NOT NULL,
	`person_id` text NOT NULL,
	`first_ts` integer NOT NULL,
	`last_ts` integer NOT NULL,
	`stage` text,
	`stage_ts` integer,
	`data` text NOT NULL,
	PRIMARY KEY(`site_id`, `person_id`)
);
--> statement-breakpoint
CREATE INDEX `person_state_last` ON `person_state` (`site_id`,`last_ts`);