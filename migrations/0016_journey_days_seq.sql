-- A day's seq becomes a random 53-bit number on every write of its journeys (was a counter): it
-- then names one content of the day across databases too (a site moved to another D1 starts its
-- counters again), so a reader may keep a parsed digest by (day, seq). 53 bits: exact in JS.
DROP TRIGGER `journeys_day_insert`;
--> statement-breakpoint
DROP TRIGGER `journeys_day_delete`;
--> statement-breakpoint
DROP TRIGGER `journeys_day_update`;
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
--> statement-breakpoint
UPDATE `journey_days` SET `seq` = random() & 9007199254740991, `built_seq` = NULL;
