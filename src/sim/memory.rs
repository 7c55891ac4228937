//! How many workers a run's memory allows.
//!
//! A run's memory grows with the estate: per worker thread, a trial's
//! scratch and an accumulator (per service: a tally buffer, duration
//! batches, histograms); once, the compiled plan and the merged result.
//! When the machine says how much memory is available (Linux:
//! `MemAvailable` in `/proc/meminfo`, and the control group's limit when
//! there is one), a run that would not fit on the requested workers runs
//! on fewer (results do not depend on the count), and one that would not
//! fit on one worker fails before its first trial with an error that
//! names the fix, instead of being killed part-way. The figures below are
//! under those measured on generated estates (docs/performance.md: at
//! 10 000 services about 7.5 KB per service and worker, and 18 KB per
//! service once with the reports), so that no run that fits is refused.

use crate::error::Error;

/// Bytes per service held once per run (plan, merged result), at least.
pub(crate) const PER_SERVICE: u64 = 3 * 1024;
/// Bytes per service held by each worker (trial scratch, accumulator), at
/// least.
pub(crate) const PER_SERVICE_AND_WORKER: u64 = 6 * 1024;

const MB: u64 = 1 << 20;

/// The workers a run may use out of `wanted`, given `available` bytes
/// (`None`: unknown, no limit); `plans` holds the services of each plan a
/// worker runs (two for a paired run).
///
/// # Errors
/// [`Error::Memory`] when even one worker would not fit.
pub(crate) fn workers(
    plans: &[usize],
    wanted: usize,
    available: Option<u64>,
) -> Result<usize, Error> {
    let Some(available) = available else {
        return Ok(wanted);
    };
    let services: usize = plans.iter().sum();
    let s = services as u64;
    let fixed = s.saturating_mul(PER_SERVICE);
    let each = s.saturating_mul(PER_SERVICE_AND_WORKER);
    if each == 0 {
        return Ok(wanted);
    }
    let fit = available.saturating_sub(fixed) / each;
    if fit == 0 {
        let need = fixed.saturating_add(each).div_ceil(MB);
        return Err(Error::Memory {
            scenarios: Vec::new(),
            message: format!(
                "{} at least {need} MB to run on one thread, and {} MB is available: free \
                 memory, or run on a larger machine (`bcdr run` can also split the trials \
                 across machines with --shard I/N and `bcdr merge`, docs/scaling-out.md)",
                match plans {
                    [a, b] => format!(
                        "two plans of {a} and {b} services, run side by side, need together"
                    ),
                    _ => format!("an estate of {services} services needs"),
                },
                available / MB
            ),
        });
    }
    Ok(wanted
        .min(usize::try_from(fit).unwrap_or(usize::MAX))
        .max(1))
}

/// The memory available to a new process, if the system says: the least
/// of `MemAvailable` in `/proc/meminfo` and, under a control group with a
/// limit (cgroup v2), that limit less what the group uses beyond its file
/// cache (Linux).
pub(crate) fn available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let free = meminfo_available(&text)?;
    let read = |f: &str| std::fs::read_to_string(format!("/sys/fs/cgroup/{f}")).ok();
    let group = || {
        group_free(
            &read("memory.max")?,
            &read("memory.current")?,
            &read("memory.stat")?,
        )
    };
    Some(group().map_or(free, |g| g.min(free)))
}

/// What a control group (cgroup v2) leaves free: its limit (`memory.max`,
/// "max" when there is none: no figure) less what it uses
/// (`memory.current`) beyond the file cache the kernel reclaims when it
/// must (`active_file` and `inactive_file` of `memory.stat`): a long-lived
/// container's cache fills up to its limit, and counting it as used would
/// refuse runs that fit.
fn group_free(max: &str, current: &str, stat: &str) -> Option<u64> {
    let max: u64 = max.trim().parse().ok()?;
    let current: u64 = current.trim().parse().ok()?;
    let field = |name: &str| -> u64 {
        stat.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
            .unwrap_or(0)
    };
    let cache = field("active_file").saturating_add(field("inactive_file"));
    Some(max.saturating_sub(current.saturating_sub(cache)))
}

/// `MemAvailable` of a `/proc/meminfo` text, in bytes.
fn meminfo_available(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kb.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_fit_the_memory_available() {
        // Unknown memory: as asked.
        assert_eq!(workers(&[50_000], 8, None).unwrap(), 8);
        // Plenty: as asked.
        assert_eq!(workers(&[10_000], 2, Some(16 * 1024 * MB)).unwrap(), 2);
        // 10 000 services: 30 MB once, 60 MB a worker; 200 MB fit two.
        assert_eq!(workers(&[10_000], 8, Some(200 * MB)).unwrap(), 2);
        // Exactly one worker's worth: one.
        let one = 10_000 * (PER_SERVICE + PER_SERVICE_AND_WORKER);
        assert_eq!(workers(&[10_000], 4, Some(one)).unwrap(), 1);
        // A byte short of it: a clear error naming the estate and the fix.
        let err = workers(&[10_000], 4, Some(one - 1))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("10000 services") && err.contains("88 MB") && err.contains("--shard"),
            "{err}"
        );
        // No services: as asked, even with no memory.
        assert_eq!(workers(&[0], 3, Some(0)).unwrap(), 3);
        // Two plans side by side: counted together, and said so.
        assert_eq!(workers(&[5_000, 5_000], 4, Some(one)).unwrap(), 1);
        let err = workers(&[6_000, 4_000], 4, Some(one - 1))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("two plans of 6000 and 4000 services, run side by side, need together at least 88 MB"),
            "{err}"
        );
    }

    #[test]
    fn a_control_groups_file_cache_counts_as_free() {
        let stat = "anon 1000\nfile 7000\nactive_file 3000\ninactive_file 4000\n";
        // Limit 10 000, using 9 000 of which 7 000 is cache: 8 000 free.
        assert_eq!(group_free("10000\n", "9000\n", stat), Some(8_000));
        // Without the cache figures, what it uses counts.
        assert_eq!(group_free("10000", "9000", ""), Some(1_000));
        // Over its limit: nothing free, no underflow.
        assert_eq!(group_free("10000", "12000", "anon 12000\n"), Some(0));
        // No limit: no figure.
        assert_eq!(group_free("max\n", "9000", stat), None);
    }

    #[test]
    fn available_memory_is_read_from_meminfo() {
        let text = "MemTotal:       24684544 kB\nMemFree:         3288064 kB\nMemAvailable:   23370752 kB\n";
        assert_eq!(meminfo_available(text), Some(23_370_752 * 1024));
        assert_eq!(meminfo_available("MemTotal: 1 kB\n"), None);
        assert_eq!(meminfo_available("MemAvailable: lots kB\n"), None);
        if cfg!(target_os = "linux") {
            assert!(available().is_some());
        }
    }
}
