CREATE TABLE `activity_days` (
	`site_id` text NOT NULL,
	`day` integer NOT NULL,
	`seq` integer DEFAULT 0 NOT NULL,
	`built_seq` integer,
	`data` text,
	PRIMARY KEY(`site_id`, `day`)
);
--> statement-breakpoint
-- Hand-written below the generated table: the triggers that give a day a new random seq on every
-- write that can change its counts, whoever writes (the pipeline, erasure, retention, a rebuild,
-- a move), and the days of the activity already stored. A day's people change with an identity
-- merge or an erasure: the person merged away or erased loses their person_state row, whose span
-- names the days. Raw ageing deletes events and sessions before the horizon without touching their
-- days (the digests, built before, keep them): the delete triggers look only past the horizon.
CREATE TRIGGER `events_activity_insert` AFTER INSERT ON `events` BEGIN
	INSERT INTO `activity_days` (`site_id`, `day`, `seq`) VALUES (NEW.`site_id`, NEW.`ts` / 86400000, random() & 9007199254740991)
		ON CONFLICT (`site_id`, `day`) DO UPDATE SET `seq` = random() & 9007199254740991;
END;
--> statement-breakpoint
CREATE TRIGGER `events_activity_update` AFTER UPDATE OF `ts`, `session_id`, `event`, `channel`, `channel_explicit`, `ident_key` ON `events`
	WHEN OLD.`ts` IS NOT NEW.`ts` OR OLD.`session_id` IS NOT NEW.`session_id` OR OLD.`event` IS NOT NEW.`event` OR OLD.`channel` IS NOT NEW.`channel`
		OR OLD.`channel_explicit` IS NOT NEW.`channel_explicit` OR OLD.`ident_key` IS NOT NEW.`ident_key` BEGIN
	UPDATE `activity_days` SET `seq` = random() & 9007199254740991 WHERE `site_id` = OLD.`site_id` AND `day` = OLD.`ts` / 86400000;
	INSERT INTO `activity_days` (`site_id`, `day`, `seq`) VALUES (NEW.`site_id`, NEW.`ts` / 86400000, random() & 9007199254740991)
		ON CONFLICT (`site_id`, `day`) DO UPDATE SET `seq` = random() & 9007199254740991;
END;
--> statement-breakpoint
CREATE TRIGGER `events_activity_delete` AFTER DELETE ON `events`
	WHEN OLD.`ts` >= COALESCE((SELECT `aged_before` FROM `journey_meta` WHERE `site_id` = OLD.`site_id`), 0) BEGIN
	UPDATE `activity_days` SET `seq` = random() & 9007199254740991 WHERE `site_id` = OLD.`site_id` AND `day` = OLD.`ts` / 86400000;
END;
--> statement-breakpoint
CREATE TRIGGER `sessions_activity_insert` AFTER INSERT ON `sessions` BEGIN
	INSERT INTO `activity_days` (`site_id`, `day`, `seq`) VALUES (NEW.`site_id`, NEW.`start_ts` / 86400000, random() & 9007199254740991)
		ON CONFLICT (`site_id`, `day`) DO UPDATE SET `seq` = random() & 9007199254740991;
END;
--> statement-breakpoint
-- A session's channel decides which of its events make touchpoints of their own, on any day it spans.
CREATE TRIGGER `sessions_activity_update` AFTER UPDATE OF `start_ts`, `end_ts`, `channel`, `source`, `campaign`, `country`, `device`, `ident_key` ON `sessions`
	WHEN OLD.`start_ts` IS NOT NEW.`start_ts` OR OLD.`channel` IS NOT NEW.`channel` OR OLD.`source` IS NOT NEW.`source` OR OLD.`campaign` IS NOT NEW.`campaign`
		OR OLD.`country` IS NOT NEW.`country` OR OLD.`device` IS NOT NEW.`device` OR OLD.`ident_key` IS NOT NEW.`ident_key` BEGIN
	UPDATE `activity_days` SET `seq` = random() & 9007199254740991 WHERE `site_id` = OLD.`site_id`
		AND `day` BETWEEN MIN(OLD.`start_ts`, NEW.`start_ts`) / 86400000 AND MAX(OLD.`end_ts`, NEW.`end_ts`) / 86400000;
	INSERT INTO `activity_days` (`site_id`, `day`, `seq`) VALUES (NEW.`site_id`, NEW.`start_ts` / 86400000, random() & 9007199254740991)
		ON CONFLICT (`site_id`, `day`) DO UPDATE SET `seq` = random() & 9007199254740991;
END;
--> statement-breakpoint
CREATE TRIGGER `sessions_activity_delete` AFTER DELETE ON `sessions`
	WHEN OLD.`end_ts` >= COALESCE((SELECT `aged_before` FROM `journey_meta` WHERE `site_id` = OLD.`site_id`), 0) BEGIN
	UPDATE `activity_days` SET `seq` = random() & 9007199254740991 WHERE `site_id` = OLD.`site_id`
		AND `day` BETWEEN OLD.`start_ts` / 86400000 AND OLD.`end_ts` / 86400000;
END;
--> statement-breakpoint
CREATE TRIGGER `person_state_activity_delete` AFTER DELETE ON `person_state` BEGIN
	UPDATE `activity_days` SET `seq` = random() & 9007199254740991 WHERE `site_id` = OLD.`site_id`
		AND `day` BETWEEN OLD.`first_ts` / 86400000 AND OLD.`last_ts` / 86400000;
END;
--> statement-breakpoint
INSERT INTO `activity_days` (`site_id`, `day`, `seq`) SELECT `site_id`, `ts` / 86400000, random() & 9007199254740991 FROM `events` WHERE true GROUP BY 1, 2
	ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Days whose raw events have aged out already: every day from a site's first state to its horizon.
INSERT INTO `activity_days` (`site_id`, `day`, `seq`)
	WITH RECURSIVE d(`site_id`, `day`, `last`) AS (
		SELECT m.`site_id`, (SELECT MIN(ps.`first_ts`) FROM `person_state` ps WHERE ps.`site_id` = m.`site_id`) / 86400000, m.`aged_before` / 86400000
		FROM `journey_meta` m WHERE m.`aged_before` > 0
		UNION ALL SELECT `site_id`, `day` + 1, `last` FROM d WHERE `day` < `last`)
	SELECT `site_id`, `day`, random() & 9007199254740991 FROM d WHERE `day` IS NOT NULL
	ON CONFLICT DO NOTHING;
