CREATE TABLE `act_cursors` (
	`site_id` text NOT NULL,
	`name` text NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`site_id`, `name`)
);
--> statement-breakpoint
CREATE TABLE `act_sent` (
	`site_id` text NOT NULL,
	`key` text NOT NULL,
	`sent_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `alert_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`name` text NOT NULL,
	`metric` text NOT NULL,
	`channel` text,
	`period` text NOT NULL,
	`above` real,
	`below` real,
	`change_pct` real,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alert_rules_site` ON `alert_rules` (`site_id`);--> statement-breakpoint
CREATE TABLE `follow_up_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`name` text NOT NULL,
	`started` text NOT NULL,
	`expected` text NOT NULL,
	`after` text NOT NULL,
	`after_ms` integer NOT NULL,
	`stage` text,
	`channel` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `follow_up_rules_site` ON `follow_up_rules` (`site_id`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`webhook_id` text NOT NULL,
	`id` text NOT NULL,
	`site_id` text NOT NULL,
	`type` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`response_code` integer,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`next_attempt_at` integer,
	PRIMARY KEY(`webhook_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_log` ON `webhook_deliveries` (`webhook_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`format` text NOT NULL,
	`secret` text NOT NULL,
	`status` text NOT NULL,
	`failures` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhooks_site` ON `webhooks` (`site_id`);