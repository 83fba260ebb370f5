-- A capture's services are inserted with a deduplication token from its content, like its flows:
-- an import done again after it died between storing its services and its "done" record counts
-- them once. The token reaches observed_services through the view over the Null input table.
-- cluster: replicated

ALTER TABLE observed_services MODIFY SETTING non_replicated_deduplication_window = 1000;
