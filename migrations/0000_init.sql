CREATE TABLE `dead_letters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`site_id` text,
	`payload` text NOT NULL,
	`error` text,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`site_id` text NOT NULL,
	`message_id` text NOT NULL,
	`type` text NOT NULL,
	`event` text,
	`user_id` text,
	`anonymous_id` text,
	`ident_key` text NOT NULL,
	`session_id` text NOT NULL,
	`ts` integer NOT NULL,
	`received_at` integer NOT NULL,
	`channel` text NOT NULL,
	`channel_explicit` integer NOT NULL,
	`source` text,
	`medium` text,
	`campaign` text,
	`stage` text,
	`is_conversion` integer NOT NULL,
	`revenue` real,
	`path` text,
	`country` text,
	`region` text,
	`device` text,
	`browser` text,
	`os` text,
	`properties` text,
	`context` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_message` ON `events` (`site_id`,`message_id`);--> statement-breakpoint
CREATE INDEX `events_site_ts` ON `events` (`site_id`,`ts`);--> statement-breakpoint
CREATE INDEX `events_ident_ts` ON `events` (`site_id`,`ident_key`,`ts`);--> statement-breakpoint
CREATE INDEX `events_site_event_ts` ON `events` (`site_id`,`event`,`ts`);--> statement-breakpoint
CREATE INDEX `events_session` ON `events` (`session_id`);--> statement-breakpoint
CREATE TABLE `filtered_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`site_id` text NOT NULL,
	`message_id` text NOT NULL,
	`reason` text NOT NULL,
	`user_agent` text,
	`ts` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `filtered_message` ON `filtered_events` (`site_id`,`message_id`);--> statement-breakpoint
CREATE INDEX `filtered_site_ts` ON `filtered_events` (`site_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `identities` (
	`site_id` text NOT NULL,
	`ident_key` text NOT NULL,
	`person_id` text NOT NULL,
	`first_seen` integer NOT NULL,
	PRIMARY KEY(`site_id`, `ident_key`)
);
--> statement-breakpoint
CREATE INDEX `identities_person` ON `identities` (`site_id`,`person_id`);--> statement-breakpoint
CREATE TABLE `ingested_batches` (
	`key` text PRIMARY KEY NOT NULL,
	`stored_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`ident_key` text NOT NULL,
	`start_ts` integer NOT NULL,
	`end_ts` integer NOT NULL,
	`events` integer NOT NULL,
	`channel` text NOT NULL,
	`source` text,
	`medium` text,
	`campaign` text,
	`campaign_key` text,
	`landing_path` text,
	`country` text,
	`device` text
);
--> statement-breakpoint
CREATE INDEX `sessions_ident` ON `sessions` (`site_id`,`ident_key`,`start_ts`);--> statement-breakpoint
CREATE INDEX `sessions_site_start` ON `sessions` (`site_id`,`start_ts`);--> statement-breakpoint
CREATE TABLE `sites` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`write_key` text NOT NULL,
	`secret_key_hash` text NOT NULL,
	`read_token_hash` text NOT NULL,
	`previous_secret_key_hash` text,
	`previous_secret_valid_until` integer,
	`settings` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sites_write_key` ON `sites` (`write_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `sites_secret_key` ON `sites` (`secret_key_hash`);