CREATE TABLE `journey_days` (
	`site_id` text NOT NULL,
	`conversion` text NOT NULL,
	`day` integer NOT NULL,
	`seq` integer DEFAULT 0 NOT NULL,
	`built_seq` integer,
	`data` text,
	PRIMARY KEY(`site_id`, `conversion`, `day`)
);
--> statement-breakpoint
-- Hand-written below the generated table: the triggers that keep each day's seq moving with every
-- write of its journeys, whoever writes them, and the days of the journeys already stored.
CREATE TRIGGER `journeys_day_insert` AFTER INSERT ON `journeys` BEGIN
	INSERT INTO `journey_days` (`site_id`, `conversion`, `day`, `seq`) VALUES (NEW.`site_id`, NEW.`conversion`, NEW.`end_ts` / 86400000, 1)
		ON CONFLICT (`site_id`, `conversion`, `day`) DO UPDATE SET `seq` = `seq` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `journeys_day_delete` AFTER DELETE ON `journeys` BEGIN
	UPDATE `journey_days` SET `seq` = `seq` + 1 WHERE `site_id` = OLD.`site_id` AND `conversion` = OLD.`conversion` AND `day` = OLD.`end_ts` / 86400000;
END;
--> statement-breakpoint
CREATE TRIGGER `journeys_day_update` AFTER UPDATE ON `journeys` BEGIN
	UPDATE `journey_days` SET `seq` = `seq` + 1 WHERE `site_id` = OLD.`site_id` AND `conversion` = OLD.`conversion` AND `day` = OLD.`end_ts` / 86400000;
	INSERT INTO `journey_days` (`site_id`, `conversion`, `day`, `seq`) VALUES (NEW.`site_id`, NEW.`conversion`, NEW.`end_ts` / 86400000, 1)
		ON CONFLICT (`site_id`, `conversion`, `day`) DO UPDATE SET `seq` = `seq` + 1;
END;
--> statement-breakpoint
INSERT INTO `journey_days` (`site_id`, `conversion`, `day`, `seq`) SELECT `site_id`, `conversion`, `end_ts` / 86400000, 1 FROM `journeys` WHERE true GROUP BY 1, 2, 3;
