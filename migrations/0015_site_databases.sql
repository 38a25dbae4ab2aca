CREATE TABLE `move_fences` (
	`site_id` text PRIMARY KEY NOT NULL,
	`since` integer NOT NULL,
	`moved_to` text
);
--> statement-breakpoint
ALTER TABLE `sites` ADD `database` text DEFAULT 'DB' NOT NULL;--> statement-breakpoint
ALTER TABLE `sites` ADD `moving_to` text;--> statement-breakpoint
ALTER TABLE `sites` ADD `move_state` text;