-- Login attempts against authentication services (the common part of brute_force and
-- brute_force_spray): one row per TCP connection from a client to an authentication service, with
-- both directions. A connection is its 4-tuple within the range: the flow from the client, its
-- fragments (the last ACK after a FIN that an exporter reports as a second flow) and the server's
-- reverse flow, so 11 connections count 11, never 22. It completed its handshake (the client
-- sent ACK, unlike a scan probe), and its packets in both directions stay within
-- [min_packets, max_packets]: a login attempt is short, an interactive session or a transfer is not.
-- An authentication service is a known port (ports), a service the archive declares with an
-- authentication product (auth_products, a regular expression over product names), or one that
-- passive discovery saw answering with an authentication protocol (auth_services: an SSH banner
-- on port 902 makes 902 one).
-- Parameters: from, to, ports, auth_products, auth_services, min_packets, max_packets.
WITH
    auth_endpoints AS (SELECT addr, port FROM observed_services_current WHERE protocol = 'tcp' AND service IN {auth_services:Array(String)}),
    declared_auth AS (SELECT id, tupleElement(s, 'port') AS port FROM assets_current ARRAY JOIN services AS s
        WHERE match(lower(tupleElement(s, 'product')), {auth_products:String}))
SELECT
    c.src_addr AS src_addr, c.dst_addr AS dst_addr, c.dst_port AS dst_port,
    c.conn_start AS time_start, greatest(c.conn_end, r.rev_end) AS time_end,
    c.conn_packets + r.rev_packets AS packets, c.conn_bytes + r.rev_bytes AS bytes,
    c.c_asset AS dst_asset, c.c_org AS dst_org, c.c_sector AS dst_sector, c.c_locality AS dst_locality, c.c_grade AS dst_grade
FROM
(
    SELECT src_addr, dst_addr, src_port, dst_port, min(time_start) AS conn_start, max(time_end) AS conn_end,
        sum(packets) AS conn_packets, sum(bytes) AS conn_bytes, groupBitOr(tcp_flags) AS flags,
        any(dst_asset) AS c_asset, any(dst_org) AS c_org, any(dst_sector) AS c_sector,
        any(dst_locality) AS c_locality, any(dst_grade) AS c_grade
    FROM flows
    WHERE time_start >= {from:DateTime64(3)} AND time_start < {to:DateTime64(3)} AND protocol = 6
        AND (has({ports:Array(UInt16)}, dst_port)
            OR (dst_addr, dst_port) IN (SELECT addr, port FROM auth_endpoints)
            OR (dst_asset, dst_port) IN (SELECT id, port FROM declared_auth))
    GROUP BY src_addr, dst_addr, src_port, dst_port
    HAVING bitAnd(flags, 0x10) != 0
) AS c
LEFT JOIN
(
    SELECT src_addr, dst_addr, src_port, dst_port, sum(packets) AS rev_packets, sum(bytes) AS rev_bytes, max(time_end) AS rev_end
    FROM flows
    WHERE time_start >= {from:DateTime64(3)} - INTERVAL 1 MINUTE AND time_start < {to:DateTime64(3)} + INTERVAL 1 MINUTE
        AND protocol = 6
        AND (has({ports:Array(UInt16)}, src_port)
            OR (src_addr, src_port) IN (SELECT addr, port FROM auth_endpoints)
            OR (src_asset, src_port) IN (SELECT id, port FROM declared_auth))
    GROUP BY src_addr, dst_addr, src_port, dst_port
) AS r ON r.src_addr = c.dst_addr AND r.dst_addr = c.src_addr AND r.src_port = c.dst_port AND r.dst_port = c.src_port
WHERE c.conn_packets + r.rev_packets BETWEEN {min_packets:UInt64} AND {max_packets:UInt64}
