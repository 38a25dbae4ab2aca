CREATE TABLE `churn_scores` (
	`site_id` text NOT NULL,
	`person_id` text NOT NULL,
	`score` real NOT NULL,
	`factors` text NOT NULL,
	`stage` text,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `person_id`)
);
--> statement-breakpoint
CREATE INDEX `churn_scores_rank` ON `churn_scores` (`site_id`,`score`);--> statement-breakpoint
CREATE TABLE `spend` (
	`site_id` text NOT NULL,
	`day` text NOT NULL,
	`channel` text NOT NULL,
	`campaign` text NOT NULL,
	`amount` real NOT NULL,
	PRIMARY KEY(`site_id`, `day`, `channel`, `campaign`)
);
--> statement-breakpoint
CREATE TABLE `unit_costs` (
	`site_id` text NOT NULL,
	`channel` text NOT NULL,
	`cost` real NOT NULL,
	PRIMARY KEY(`site_id`, `channel`)
);
