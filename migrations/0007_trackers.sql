CREATE TABLE `page_engagement` (
	`site_id` text NOT NULL,
	`message_id` text NOT NULL,
	`ident_key` text NOT NULL,
	`ts` integer NOT NULL,
	`path` text,
	`scroll_depth` integer,
	`engaged_ms` integer NOT NULL,
	`channel` text NOT NULL,
	`source` text,
	`campaign` text,
	`country` text,
	`device` text,
	PRIMARY KEY(`site_id`, `message_id`)
);
--> statement-breakpoint
CREATE INDEX `page_engagement_site_ts` ON `page_engagement` (`site_id`,`ts`);