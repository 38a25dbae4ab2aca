CREATE TABLE `salts` (
	`day` text PRIMARY KEY NOT NULL,
	`salt` text NOT NULL
);
