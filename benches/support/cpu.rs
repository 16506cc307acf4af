//! CPU time for the benchmarks that print it beside the wall clock: on a shared machine
//! the wall clock also counts the time other processes had the cores.

use std::time::Duration;

/// CPU time the process has used on all its threads, finished ones included, from
/// Linux's /proc/self/stat (in clock ticks of 10 ms; 0 elsewhere).
pub fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in brackets and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = rest
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}
