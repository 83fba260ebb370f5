-- The least free space of the disks ClickHouse stores on (on a server: its own disks, which
-- holowatch cannot see from its host).
SELECT min(free_space) AS free, argMin(path, free_space) AS path
FROM system.disks
