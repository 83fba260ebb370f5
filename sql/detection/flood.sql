-- Volumetric flood towards one destination address, measured as FastNetMon does: packets per
-- second, bits per second and new flows per second over short windows (window_ms). A flow that
-- spans several windows (NetFlow active timeout) is spread over them in proportion to its
-- duration, so a long record does not inflate the window it started in. New flows count in the
-- window they start in.
-- The class is the kind of packets that dominate (class_share of them): SYN (TCP without ACK and
-- with SYN), UDP, ICMP, fragments (TCP/UDP flows with both ports 0, which is how exporters report
-- non-first fragments), backscatter (bare SYN-ACK/RST-ACK, no data and no FIN, from service
-- ports: the destination is the spoofed victim of someone else's flood, or of a TCP reflection;
-- a server's answers to a busy client carry PSH and FIN and are 'tcp'), reflection (answers from
-- amplifier ports, which the amplification rule judges) or answer (other UDP from a service port
-- to an ephemeral one: QUIC downloads, game and VPN traffic a client asked for). The fingerprint names the top sources and source
-- ports, the protocol mix and the packet-size spread.
-- Only archive assets are watched (an attack on the centre's systems); traffic_1m finds the
-- assets busy enough in some minute to hold a flood window. The replies of an archive host to a
-- flooder (SYN-ACKs towards it) are therefore never taken for a flood of the flooder.
-- Parameters: from, to, window_ms, offset_ms, min_pps, min_bps, min_fps (the lowest in force),
-- amp_ports, amp_min_bytes.
WITH {window_ms:Int64} AS w
SELECT
    ws AS window_start,
    '' AS source,
    IPv6NumToString(dst_addr) AS target,
    [IPv6NumToString(dst_addr)] AS targets,
    arrayMap(x -> IPv6NumToString(x), topKWeighted(20)(src_addr, weight)) AS sources,
    uniq(src_addr) AS source_count,
    groupUniqArrayIf((toString(dst_asset), toString(dst_org), toString(dst_sector), toString(dst_locality), toString(dst_grade)), NOT empty(dst_asset)) AS assets,
    topKWeighted(10)(dst_port, weight) AS ports,
    topKWeighted(10)(src_port, weight) AS source_ports,
    groupUniqArray(protocol) AS protocols,
    sum(p) / (w / 1000) AS pps,
    sum(pb) * 8 / (w / 1000) AS bps,
    countIf(is_new) / (w / 1000) AS fps,
    sumMap([class], [p]) AS class_packets,
    sumMap([toString(protocol)], [p]) AS protocol_packets,
    quantilesExactWeighted(0.05, 0.5, 0.95)(packet_bytes, weight) AS packet_size,
    toUnixTimestamp64Milli(min(time_start)) AS first_seen_ms,
    toUnixTimestamp64Milli(max(time_end)) AS last_seen_ms,
    toUInt64(round(sum(p))) AS packets_total,
    toUInt64(round(sum(pb))) AS bytes_total,
    countIf(is_new) AS flows_total
FROM
(
    WITH
        {window_ms:Int64} AS w,
        {offset_ms:Int64} AS o,
        toUnixTimestamp64Milli(time_start) AS s,
        greatest(toUnixTimestamp64Milli(time_end), s) AS e,
        intDiv(s - o, w) * w + o AS b0,
        least(intDiv(e - o, w) * w + o, b0 + 720 * w) AS b1
    SELECT
        arrayJoin(range(b0, b1 + w, w)) AS ws,
        if(e = s OR b0 = b1, 1.0, greatest(least(e, ws + w) - greatest(s, ws), 0) / (e - s)) AS share,
        packets * share AS p,
        bytes * share AS pb,
        toUInt64(ceil(p)) AS weight,
        ws = b0 AS is_new,
        intDiv(bytes, greatest(packets, 1)) AS packet_bytes,
        multiIf(
            protocol = 6 AND bitAnd(tcp_flags, 0x12) = 0x02, 'syn',
            protocol = 6 AND bitAnd(tcp_flags, 0x10) != 0 AND bitAnd(tcp_flags, 0x06) != 0 AND bitAnd(tcp_flags, 0x09) = 0
                AND src_port < 1024 AND dst_port >= 1024, 'backscatter',
            protocol IN (6, 17) AND src_port = 0 AND dst_port = 0, 'fragment',
            protocol = 17 AND has({amp_ports:Array(UInt16)}, src_port)
                AND bytes >= packets * arrayElement({amp_min_bytes:Array(UInt32)}, indexOf({amp_ports:Array(UInt16)}, src_port)), 'reflection',
            protocol = 17 AND src_port < 1024 AND dst_port >= 1024, 'answer',
            protocol = 17, 'udp',
            protocol IN (1, 58), 'icmp',
            protocol = 6, 'tcp',
            'other') AS class,
        time_start, time_end, src_addr, dst_addr, src_port, dst_port, protocol,
        dst_asset, dst_org, dst_sector, dst_locality, dst_grade
    FROM flows
    WHERE time_start >= {from:DateTime64(3)} - INTERVAL 10 MINUTE AND time_start < {to:DateTime64(3)}
        AND time_end >= {from:DateTime64(3)}
        AND NOT empty(dst_asset)
        AND dst_asset IN (
            SELECT dst_asset FROM traffic_1m
            WHERE minute >= toStartOfMinute({from:DateTime64(3)}) - INTERVAL 10 MINUTE AND minute < {to:DateTime64(3)}
            GROUP BY minute, dst_asset
            HAVING sum(packets) >= {min_pps:Float64} * (w / 1000) / 2
                OR sum(bytes) * 8 >= {min_bps:Float64} * (w / 1000) / 2
                OR sum(flows) >= {min_fps:Float64} * (w / 1000) / 2)
)
WHERE ws >= toUnixTimestamp64Milli({from:DateTime64(3)}) AND ws < toUnixTimestamp64Milli({to:DateTime64(3)})
GROUP BY ws, dst_addr
HAVING pps >= {min_pps:Float64} OR bps >= {min_bps:Float64} OR fps >= {min_fps:Float64}
