-- Hand-written (drizzle-kit cannot say WITHOUT ROWID): the journey store's long-term tables take
-- fewer bytes. identities and journeys become WITHOUT ROWID tables, so their rows live in their
-- key's b-tree instead of beside a second copy of it (the primary key's index, journeys_end);
-- journeys loses its id and its lookback_days (the site's, named by journey_meta.journeys_key) and
-- gains `n`, telling apart a person's journeys of one conversion ending at the same millisecond.
-- SQLite cannot ALTER a table to WITHOUT ROWID: each is recreated, copied, dropped and renamed.
-- Dropping journeys drops its triggers; they are made again as migration 0016 left them. The
-- journeys' texts do not change, so the day digests (journey_days) stay valid.
CREATE TABLE `__new_identities` (
	`site_id` text NOT NULL,
	`ident_key` text NOT NULL,
	`person_id` text NOT NULL,
	`first_seen` integer NOT NULL,
	PRIMARY KEY(`site_id`, `ident_key`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_identities` (`site_id`, `ident_key`, `person_id`, `first_seen`) SELECT `site_id`, `ident_key`, `person_id`, `first_seen` FROM `identities`;
--> statement-breakpoint
DROP TABLE `identities`;
--> statement-breakpoint
ALTER TABLE `__new_identities` RENAME TO `identities`;
--> statement-breakpoint
CREATE INDEX `identities_person` ON `identities` (`site_id`,`person_id`);
--> statement-breakpoint
CREATE TABLE `__new_journeys` (
	`site_id` text NOT NULL,
	`conversion` text NOT NULL,
	`end_ts` integer NOT NULL,
	`person_id` text NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`site_id`, `conversion`, `end_ts`, `person_id`, `n`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_journeys` (`site_id`, `conversion`, `end_ts`, `person_id`, `n`, `data`)
	SELECT `site_id`, `conversion`, `end_ts`, `person_id`, row_number() OVER (PARTITION BY `site_id`, `conversion`, `end_ts`, `person_id` ORDER BY `id`) - 1, `data` FROM `journeys`;
--> statement-breakpoint
DROP TABLE `journeys`;
--> statement-breakpoint
ALTER TABLE `__new_journeys` RENAME TO `journeys`;
--> statement-breakpoint
CREATE INDEX `journeys_person` ON `journeys` (`site_id`,`person_id`);
--> statement-breakpoint
CREATE TRIGGER `journeys_day_insert` AFTER INSERT ON `journeys` BEGIN
	INSERT INTO `journey_days` (`site_id`, `conversion`, `day`, `seq`) VALUES (NEW.`site_id`, NEW.`conversion`, NEW.`end_ts` / 86400000, random() & 9007199254740991)
		ON CONFLICT (`site_id`, `conversion`, `day`) DO UPDATE SET `seq` = random() & 9007199254740991;
END;
--> statement-breakpoint
CREATE TRIGGER `journeys_day_delete` AFTER DELETE ON `journeys` BEGIN
	UPDATE `journey_days` SET `seq` = random() & 9007199254740991 WHERE `site_id` = OLD.`site_id` AND `conversion` = OLD.`conversion` AND `day` = OLD.`end_ts` / 86400000;
END;
--> statement-breakpoint
CREATE TRIGGER `journeys_day_update` AFTER UPDATE ON `journeys` BEGIN
	UPDATE `journey_days` SET `seq` = random() & 9007199254740991 WHERE `site_id` = OLD.`site_id` AND `conversion` = OLD.`conversion` AND `day` = OLD.`end_ts` / 86400000;
	INSERT INTO `journey_days` (`site_id`, `conversion`, `day`, `seq`) VALUES (NEW.`site_id`, NEW.`conversion`, NEW.`end_ts` / 86400000, random() & 9007199254740991)
		ON CONFLICT (`site_id`, `conversion`, `day`) DO UPDATE SET `seq` = random() & 9007199254740991;
END;
