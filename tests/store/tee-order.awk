# tests/store/tee-order.awk: reads what
#   strace -f -qq -y -xx -s 8 -e trace=pwrite64,fdatasync,fsync,write
# saw of arb-store --tee (SQLite; stdout a regular file, so one write per
# batch; every line stored, so one commit per batch) and checks that each
# batch was written out only after a sync of the WAL that began after the
# batch's commit had been written: the k-th write(1) must come after the
# end of an fdatasync or fsync of the WAL whose start came after the end
# of the k-th commit frame.  A commit frame is a 24-byte WAL frame header
# whose "database size after commit" (bytes 4 to 7) is not zero.  Prints
# "WRITES COMMITS ok" or "WRITES COMMITS early".
function wal(s) { return s ~ /\\x2d\\x77\\x61\\x6c>/ }  # "-wal>", in hex
{
	pid = $1
	if ($0 ~ /<\.\.\. [a-z0-9_]+ resumed>/) {
		# the end of a call whose start was printed before
		k = pend[pid]
		pend[pid] = ""
		if (k == "commit")
			commits++
		else if (k == "sync" && snap[pid] > durable)
			durable = snap[pid]
		next
	}
	call = $2
	sub(/\(.*/, "", call)
	kind = ""
	if (call == "pwrite64" && wal($0) && $0 ~ /, 24, [0-9]+/ &&
	    $0 !~ /"\\x..\\x..\\x..\\x..\\x00\\x00\\x00\\x00/) {
		kind = "commit"
	} else if ((call == "fdatasync" || call == "fsync") && wal($0)) {
		kind = "sync"
		snap[pid] = commits  # what it covers: the commits ended before it began
	} else if (call == "write" && $0 ~ /^[0-9]+ +write\(1</) {
		if (++writes > durable)
			early++
	}
	if ($0 ~ /<unfinished \.\.\.>$/)
		pend[pid] = kind
	else if (kind == "commit")
		commits++
	else if (kind == "sync" && snap[pid] > durable)
		durable = snap[pid]
}
END { printf "%d %d %s\n", writes, commits, early ? "early" : "ok" }
